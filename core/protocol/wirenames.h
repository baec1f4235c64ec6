#pragma once

#include "core/protocol/event.h"

#include <array>
#include <string_view>
#include <variant>

namespace inkstream::core {

// The kinds of wire event, in EventPayload's index order (the SSE `event:` names below).
enum class EventKind : std::size_t {
    Connected,
    Code,
    Step,
    Progress,
    Chat,
    Session,
    Snapshot,
    Shutdown,
    Usage,
    Unknown, // a name that is none of the above
};
static_assert(std::size_t(EventKind::Unknown) == std::variant_size_v<EventPayload>,
              "one EventKind per EventPayload alternative, in the same order");

// The names the wire uses, by EventKind and by each enum's value (docs/protocol.md).
namespace wire {
inline constexpr std::array<std::string_view, std::variant_size_v<EventPayload>> kEventNames
    = {"connected", "code", "step", "progress", "chat", "session", "snapshot", "shutdown", "usage"};
inline constexpr std::array<std::string_view, 4> kCodeTypes
    = {"start", "delta", "complete", "error"};
inline constexpr std::array<std::string_view, StepCount> kStepNames
    = {"planning", "generating", "validating", "complete"};
inline constexpr std::array<std::string_view, 3> kStepStatuses = {"start", "complete", "error"};
inline constexpr std::array<std::string_view, 4> kChatRoles
    = {"assistant", "user", "system", "event"};
inline constexpr std::array<std::string_view, 3> kChatTypes = {"start", "delta", "complete"};
inline constexpr std::array<std::string_view, 2> kSessionTypes = {"complete", "error"};

template<std::size_t N>
constexpr std::string_view nameAt(const std::array<std::string_view, N> &names, auto value)
{
    return names[static_cast<std::size_t>(value)];
}
} // namespace wire

} // namespace inkstream::core
