#pragma once

#include <QLoggingCategory>

namespace inkstream::core {

// "inkstream.client": transports, reconnection and the session client.
Q_DECLARE_LOGGING_CATEGORY(lcClient)

} // namespace inkstream::core
