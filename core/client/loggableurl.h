#pragma once

#include <QString>

class QUrl;

namespace inkstream::core {

// A URL as it may appear in a log line, an error message or a summary: secrets in it (a
// `?token=`, `access_token`, `api_key` or `key` query value, a password) are replaced by
// "REDACTED", so "never logged" holds for a token given in the URL too.
class LoggableUrl final
{
public:
    static QString toString(const QUrl &url);
    static bool isSecretQueryItem(const QString &name);
};

} // namespace inkstream::core
