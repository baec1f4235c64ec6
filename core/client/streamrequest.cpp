#include "core/client/streamrequest.h"

namespace inkstream::core {

StreamRequest StreamRequest::withToken(const QString &token)
{
    StreamRequest request;
    request.addBearer(token);
    return request;
}

StreamRequest StreamRequest::post(const QByteArray &body, const Headers &headers)
{
    return StreamRequest {QByteArrayLiteral("POST"), body, headers};
}

void StreamRequest::addBearer(const QString &token)
{
    if (!token.isEmpty())
        headers.append({QByteArrayLiteral("Authorization"), "Bearer " + token.toUtf8()});
}

StreamRequest StreamRequest::normalised() const
{
    StreamRequest request = *this;
    request.method = method.isEmpty() ? QByteArrayLiteral("GET") : method.toUpper();
    return request;
}

} // namespace inkstream::core
