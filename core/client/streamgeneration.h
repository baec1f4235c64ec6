#pragma once

#include <QtGlobal>
#include <utility>

namespace inkstream::core {

// Tells work begun for one stream whether that stream is still the one followed: a new session,
// a disconnect or a new history starts another generation, and what the one before left half
// done (frames, held events, a queued fallback) stops there.
//
//     const StreamGeneration::Guard current = m_generation.guard();
//     Q_EMIT somethingHappened(); // a receiver may switch to another session
//     if (!current)
//         return;
class StreamGeneration final
{
    Q_DISABLE_COPY_MOVE(StreamGeneration)

public:
    // Taken when work begins; true while its generation is still the current one.
    class Guard final
    {
    public:
        explicit operator bool() const { return m_owner->m_current == m_generation; }

    private:
        friend class StreamGeneration;
        explicit Guard(const StreamGeneration *owner)
            : m_owner(owner)
            , m_generation(owner->m_current)
        { }

        const StreamGeneration *m_owner;
        quint64 m_generation;
    };

    StreamGeneration() = default;

    Guard guard() const { return Guard(this); }
    // What was begun before is over.
    void next() { ++m_current; }
    // `work` to run later (a queued call): it does nothing once the generation moved on.
    template<typename Work> auto guarded(Work work) const
    {
        return [current = guard(), work = std::move(work)] {
            if (current)
                work();
        };
    }

private:
    quint64 m_current = 0;
};

} // namespace inkstream::core
