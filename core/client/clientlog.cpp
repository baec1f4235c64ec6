#include "core/client/clientlog.h"

namespace inkstream::core {

// Per-event debug output is opt-in: QT_LOGGING_RULES="inkstream.client.debug=true".
Q_LOGGING_CATEGORY(lcClient, "inkstream.client", QtInfoMsg)

} // namespace inkstream::core
