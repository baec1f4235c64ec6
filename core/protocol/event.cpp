#include "event.h"

namespace inkstream::core {

namespace {
constexpr std::array<QStringView, StepCount> kStepNames = {u"planning", u"generating",
                                                           u"validating", u"complete"};
constexpr std::array<QStringView, 4> kRoleNames = {u"assistant", u"user", u"system", u"event"};

template<typename Enum, std::size_t N>
bool enumFromText(const std::array<QStringView, N> &names, QStringView text, Enum *out)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == text) {
            *out = static_cast<Enum>(i);
            return true;
        }
    }
    return false;
}
} // namespace

QString eventName(const EventPayload &payload)
{
    static const std::array<QString, std::variant_size_v<EventPayload>> names
        = {QStringLiteral("connected"), QStringLiteral("code"),     QStringLiteral("step"),
           QStringLiteral("progress"),  QStringLiteral("chat"),     QStringLiteral("session"),
           QStringLiteral("snapshot"),  QStringLiteral("shutdown"), QStringLiteral("usage")};
    return names[payload.index()];
}

QString stepNameText(StepName step)
{
    return kStepNames[static_cast<std::size_t>(step)].toString();
}

bool stepNameFromText(QStringView text, StepName *out)
{
    return enumFromText(kStepNames, text, out);
}

QString chatRoleText(ChatRole role)
{
    return kRoleNames[static_cast<std::size_t>(role)].toString();
}

bool chatRoleFromText(QStringView text, ChatRole *out)
{
    return enumFromText(kRoleNames, text, out);
}

} // namespace inkstream::core
