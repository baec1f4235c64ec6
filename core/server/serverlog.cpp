#include "core/server/serverlog.h"

namespace inkstream::core {

// Debug output (one line per request) is opt-in: QT_LOGGING_RULES="inkstream.server.debug=true".
Q_LOGGING_CATEGORY(lcServer, "inkstream.server", QtInfoMsg)

} // namespace inkstream::core
