#include "core/client/httpstatusmeaning.h"

namespace inkstream::core {

HttpStatusMeaning::Verdict HttpStatusMeaning::classify(int status)
{
    if (status == 204)
        return Verdict::EndedForGood;
    if (status == 401 || status == 403 || status == 404)
        return Verdict::Refused;
    if (status >= 500 || status == 408 || status == 429)
        return Verdict::Transient;
    return Verdict::Other;
}

QString HttpStatusMeaning::refusal(int status)
{
    switch (status) {
    case 401:
        return QStringLiteral("authentication required");
    case 403:
        return QStringLiteral("access denied");
    case 404:
        return QStringLiteral("no such session");
    default:
        return QStringLiteral("refused");
    }
}

QString HttpStatusMeaning::text(const QString &prefix, int status, const QString &where,
                                const QString &detail)
{
    QString message = QStringLiteral("%1 (HTTP %2 at %3)").arg(prefix).arg(status).arg(where);
    if (!detail.isEmpty())
        message += QStringLiteral(": ") + detail;
    return message;
}

} // namespace inkstream::core
