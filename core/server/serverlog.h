#pragma once

#include <QLoggingCategory>

namespace inkstream::core {

// "inkstream.server": the embedded publisher, its sessions, the file streamer and the demo.
Q_DECLARE_LOGGING_CATEGORY(lcServer)

} // namespace inkstream::core
