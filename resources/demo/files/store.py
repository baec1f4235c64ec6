"""Link storage for the shortener: SQLite-backed, random base62 codes, click counting."""

from __future__ import annotations

import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
CODE_LENGTH = 7
MAX_URL_LENGTH = 2048

SCHEMA = """
CREATE TABLE IF NOT EXISTS links (
    code       TEXT PRIMARY KEY,
    target     TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    clicks     INTEGER NOT NULL DEFAULT 0
);
"""


class InvalidUrl(ValueError):
    """Raised when a URL cannot be shortened."""


@dataclass(frozen=True)
class Link:
    code: str
    target: str
    created_at: datetime
    clicks: int = 0


def new_code(length: int = CODE_LENGTH) -> str:
    """A random base62 code: 62**7 is about 3.5e12, so collisions are rare but handled."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def validate_url(url: str) -> str:
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise InvalidUrl(f"URL is longer than {MAX_URL_LENGTH} characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidUrl(f"not an absolute http(s) URL: {url!r}")
    return url


class LinkStore:
    """Thread-safe: one connection behind a lock keeps SQLite's locking out of the way."""

    def __init__(self, path: str = ":memory:") -> None:
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.executescript(SCHEMA)

    def shorten(self, url: str) -> Link:
        """Returns the existing link for a URL, or stores a new one."""
        target = validate_url(url)
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT * FROM links WHERE target = ?", (target,)
            ).fetchone()
            if row is not None:
                return self._to_link(row)
            for _ in range(5):
                code = new_code()
                created = datetime.now(timezone.utc)
                try:
                    self._db.execute(
                        "INSERT INTO links (code, target, created_at) VALUES (?, ?, ?)",
                        (code, target, created.isoformat()),
                    )
                except sqlite3.IntegrityError:
                    continue  # the code is taken: draw another one
                return Link(code, target, created)
        raise RuntimeError("could not allocate a unique code in 5 attempts")

    def resolve(self, code: str) -> Link | None:
        """Looks a code up and counts the click in the same transaction."""
        with self._lock, self._db:
            cursor = self._db.execute(
                "UPDATE links SET clicks = clicks + 1 WHERE code = ?", (code,)
            )
            if cursor.rowcount == 0:
                return None
            row = self._db.execute(
                "SELECT * FROM links WHERE code = ?", (code,)
            ).fetchone()
            return self._to_link(row)

    def top(self, limit: int = 10) -> list[Link]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM links ORDER BY clicks DESC, created_at LIMIT ?", (limit,)
            ).fetchall()
        return [self._to_link(row) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @staticmethod
    def _to_link(row: sqlite3.Row) -> Link:
        return Link(
            code=row["code"],
            target=row["target"],
            created_at=datetime.fromisoformat(row["created_at"]),
            clicks=row["clicks"],
        )
