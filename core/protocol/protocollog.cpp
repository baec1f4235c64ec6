#include "core/protocol/protocollog.h"

namespace inkstream::core {

// Per-event diagnostics are opt-in: QT_LOGGING_RULES="inkstream.protocol.debug=true".
Q_LOGGING_CATEGORY(lcProtocol, "inkstream.protocol", QtInfoMsg)

} // namespace inkstream::core
