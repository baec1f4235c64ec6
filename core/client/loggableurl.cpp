#include "core/client/loggableurl.h"

#include <QUrl>
#include <QUrlQuery>

namespace inkstream::core {

bool LoggableUrl::isSecretQueryItem(const QString &name)
{
    for (const QLatin1StringView secret :
         {QLatin1StringView("token"), QLatin1StringView("access_token"),
          QLatin1StringView("api_key"), QLatin1StringView("apikey"), QLatin1StringView("key"),
          QLatin1StringView("auth"), QLatin1StringView("password")}) {
        if (name.compare(secret, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QString LoggableUrl::toString(const QUrl &url)
{
    QUrl shown = url;
    if (!shown.password().isEmpty())
        shown.setPassword(QStringLiteral("REDACTED"));
    if (shown.hasQuery()) {
        QUrlQuery query(shown);
        QList<std::pair<QString, QString>> items = query.queryItems(QUrl::FullyEncoded);
        bool changed = false;
        for (auto &[name, value] : items) {
            if (isSecretQueryItem(QUrl::fromPercentEncoding(name.toUtf8())) && !value.isEmpty()) {
                value = QStringLiteral("REDACTED");
                changed = true;
            }
        }
        if (changed) {
            query.setQueryItems(items);
            shown.setQuery(query);
        }
    }
    return shown.toString();
}

} // namespace inkstream::core
