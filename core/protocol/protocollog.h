#pragma once

#include <QLoggingCategory>

namespace inkstream::core {

// "inkstream.protocol": SSE framing and the event codecs.
Q_DECLARE_LOGGING_CATEGORY(lcProtocol)

} // namespace inkstream::core
