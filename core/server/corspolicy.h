#pragma once

#include <QByteArray>
#include <QList>
#include <QStringList>
#include <utility>

namespace inkstream::core {

// Which web origins may read the publisher from a browser (EventSource, fetch). Nothing is
// allowed by default; "*" allows any origin.
class CorsPolicy final
{
public:
    using Headers = QList<std::pair<QByteArray, QByteArray>>;

    void setAllowedOrigins(const QStringList &origins) { m_origins = origins; }
    QStringList allowedOrigins() const { return m_origins; }

    bool allows(const QByteArray &origin) const;
    // Headers for an ordinary response to a request from `origin` (none when not allowed).
    Headers responseHeaders(const QByteArray &origin) const;
    // Headers answering an OPTIONS preflight from `origin` (none when not allowed).
    Headers preflightHeaders(const QByteArray &origin) const;

private:
    QStringList m_origins;
};

} // namespace inkstream::core
