#include "core/client/connectionstate.h"

namespace inkstream::core {

QString connectionStateText(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Idle:
        return QStringLiteral("idle");
    case ConnectionState::Connecting:
        return QStringLiteral("connecting");
    case ConnectionState::Connected:
        return QStringLiteral("connected");
    case ConnectionState::Streaming:
        return QStringLiteral("streaming");
    case ConnectionState::Retrying:
        return QStringLiteral("retrying");
    case ConnectionState::Disconnected:
        return QStringLiteral("disconnected");
    case ConnectionState::Error:
        return QStringLiteral("error");
    }
    return QStringLiteral("unknown");
}

bool isConnectionActive(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Connecting:
    case ConnectionState::Connected:
    case ConnectionState::Streaming:
    case ConnectionState::Retrying:
        return true;
    case ConnectionState::Idle:
    case ConnectionState::Disconnected:
    case ConnectionState::Error:
        return false;
    }
    return false;
}

} // namespace inkstream::core
