#pragma once

#include "core/client/filenameclaims.h"

#include <QByteArray>
#include <QString>

namespace inkstream::core {

// Writes received files under one directory and never anywhere else, and never one file over
// another. A name must be relative and '/'-separated, without empty, "." or ".." segments,
// backslashes, NUL or other control characters, bidirectional controls, or a drive letter; no
// segment may be a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9, with or without an
// extension, in any case) or end with a dot or a space. A name that would be the same file on
// disk as another one written before (FileNameClaims) is refused, naming both. A symbolic link
// on the way (or as the target) is refused, and the canonical parent is checked to lie inside
// the root before writing. Files are written atomically (QSaveFile): a crash never leaves a
// half-written file under its name.
class OutputDirectory final
{
public:
    explicit OutputDirectory(const QString &rootPath);

    // Creates the root when missing. False, with the reason, when it cannot be used.
    bool open(QString *error = nullptr);
    bool isOpen() const { return !m_canonicalRoot.isEmpty(); }
    QString rootPath() const { return m_canonicalRoot.isEmpty() ? m_rootPath : m_canonicalRoot; }

    // Whether `name` is acceptable as a path below a directory, whatever the directory holds.
    static bool isSafeRelativeName(const QString &name, QString *reason = nullptr);
    // `name` as it can be shown in a message between double quotes: `"` and `\` escaped,
    // control and bidirectional characters and unpaired surrogates as \uXXXX.
    static QString printableName(const QString &name);

    // Writes `bytes` to ROOT/name, creating subdirectories. False, with the reason, when the
    // name is refused or writing fails; nothing is then written.
    bool write(const QString &name, const QByteArray &bytes, QString *error = nullptr);

private:
    bool isInsideRoot(const QString &canonicalPath) const;

    QString m_rootPath;
    QString m_canonicalRoot;
    FileNameClaims m_claims; // the names written through this object
};

} // namespace inkstream::core
