#include "ui/displaypacer.h"

#include "core/model/sessionmodel.h"
#include "core/protocol/chunker.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace inkstream::ui {

namespace {
constexpr int kFrameMs = 16;
// The allowance is a token bucket refilled continuously at the rate in force. Its cap lets a
// publisher that is no faster than the speed be shown the moment its deltas arrive, while a
// burst is spread out after the first tenth of a second's worth.
// Deltas are shown the moment they arrive while the display is less than this far ahead of
// the speed (a debt the bucket repays), so a publisher typing at about the chosen speed is
// never held back by timer granularity; a faster burst is spread out beyond it.
constexpr double kBurstSeconds = 0.1;
constexpr double kSavedFrameSeconds = 0.016; // unused allowance kept while idle
constexpr double kUnlimited = std::numeric_limits<double>::infinity();
} // namespace

DisplayPacer::DisplayPacer(core::SessionModel *source, core::SessionModel *display, QObject *parent)
    : QObject(parent)
    , m_source(source)
    , m_display(display)
{
    m_timer.setInterval(kFrameMs);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &DisplayPacer::tick);
    connect(m_source, &core::SessionModel::eventApplied, this, &DisplayPacer::onSourceEvent);
    // A snapshot (or a new connection clearing the model) replaces everything at once.
    connect(m_source, &core::SessionModel::modelReset, this, &DisplayPacer::resync);
    resync();
}

double DisplayPacer::charactersPerSecond(DisplaySpeed speed)
{
    switch (speed) {
    case DisplaySpeed::Slow:
        return 3 * 1000.0 / 30;
    case DisplaySpeed::Normal:
        return 5 * 1000.0 / 20;
    case DisplaySpeed::Fast:
        return 10 * 1000.0 / 10;
    case DisplaySpeed::Instant:
        break;
    }
    return 0;
}

QString DisplayPacer::speedName(DisplaySpeed speed)
{
    switch (speed) {
    case DisplaySpeed::Slow:
        return QStringLiteral("slow");
    case DisplaySpeed::Normal:
        return QStringLiteral("normal");
    case DisplaySpeed::Fast:
        return QStringLiteral("fast");
    case DisplaySpeed::Instant:
        break;
    }
    return QStringLiteral("instant");
}

DisplaySpeed DisplayPacer::speedFromName(const QString &name, DisplaySpeed fallback)
{
    for (DisplaySpeed speed :
         {DisplaySpeed::Slow, DisplaySpeed::Normal, DisplaySpeed::Fast, DisplaySpeed::Instant}) {
        if (name == speedName(speed))
            return speed;
    }
    return fallback;
}

void DisplayPacer::setSpeed(DisplaySpeed speed)
{
    if (m_speed == speed)
        return;
    m_speed = speed;
    Q_EMIT speedChanged(speed);
    if (m_speed == DisplaySpeed::Instant && !m_paused)
        drain(kUnlimited);
    updateTimer();
}

void DisplayPacer::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    m_allowance = 0;
    m_catchUpRate = 0; // what waited during a pause is a new backlog
    Q_EMIT pausedChanged(paused);
    if (!m_paused && m_speed == DisplaySpeed::Instant)
        drain(kUnlimited);
    updateTimer();
}

void DisplayPacer::catchUp()
{
    drain(kUnlimited);
    updateTimer();
}

void DisplayPacer::rejectFile(const QString &fileName)
{
    if (m_display->fileIndex(fileName) < 0 || m_rejected.contains(fileName))
        return;
    m_rejected.insert(fileName);
    // Everything already queued for it goes; the display marks it rejected at once.
    QQueue<core::Event> kept;
    for (const core::Event &event : std::as_const(m_queue)) {
        const auto *code = std::get_if<core::CodeEvent>(&event.payload);
        if (code && code->fileName == fileName && code->type != core::CodeEvent::Type::Start) {
            m_pendingCharacters -= cost(event);
            continue;
        }
        kept.enqueue(event);
    }
    m_queue = kept;
    core::CodeEvent rejected;
    rejected.type = core::CodeEvent::Type::Error;
    rejected.fileName = fileName;
    rejected.error = tr("Rejected by you");
    core::Event event;
    event.sequence = m_display->lastSequence();
    event.sessionId = m_display->sessionId();
    event.payload = rejected;
    m_display->apply(event);
    Q_EMIT backlogChanged(m_queue.size(), m_pendingCharacters);
}

qsizetype DisplayPacer::cost(const core::Event &event)
{
    if (const auto *code = std::get_if<core::CodeEvent>(&event.payload))
        return code->type == core::CodeEvent::Type::Delta ? code->delta.size() : 0;
    if (const auto *chat = std::get_if<core::ChatEvent>(&event.payload))
        return chat->delta.size();
    return 0;
}

void DisplayPacer::onSourceEvent(const core::Event &event)
{
    if (std::holds_alternative<core::SnapshotEvent>(event.payload))
        return; // handled by resync() on modelReset
    m_queue.enqueue(event);
    m_pendingCharacters += cost(event);
    if (const double lag = maxLagSeconds(m_speed); lag > 0)
        m_catchUpRate = qMax(m_catchUpRate, double(m_pendingCharacters) / lag);
    // Instant shows at once; paced speeds show what the allowance covers now (events that
    // cost nothing, such as steps, need none) and leave the rest to the frame timer. Behind (a
    // backlog waits before this event: a catch-up, a burst) the frame timer shows it, a frame's
    // worth at a time: drained on every arriving event, a late join's text went in in pieces of
    // a few hundred characters, each laid out and shaped on insertion.
    const bool behind = m_queue.size() > 1;
    if (!m_paused && (m_speed == DisplaySpeed::Instant || !behind))
        drain(m_speed == DisplaySpeed::Instant ? kUnlimited : refill());
    updateTimer();
    Q_EMIT backlogChanged(m_queue.size(), m_pendingCharacters);
}

void DisplayPacer::resync()
{
    m_queue.clear();
    m_pendingCharacters = 0;
    m_rejected.clear();
    m_allowance = 0;
    m_catchUpRate = 0;
    m_display->copyFrom(*m_source); // shares the texts: no copy of a large session
    updateTimer();
    Q_EMIT backlogChanged(0, 0);
}

double DisplayPacer::maxLagSeconds(DisplaySpeed speed)
{
    switch (speed) {
    case DisplaySpeed::Normal:
        return 1.5;
    case DisplaySpeed::Fast:
        return 0.5;
    case DisplaySpeed::Slow:
    case DisplaySpeed::Instant:
        break;
    }
    return 0;
}

double DisplayPacer::effectiveRate() const
{
    const double rate = charactersPerSecond(m_speed);
    const double lag = maxLagSeconds(m_speed);
    // Typing speed, unless that would leave the display further behind live than `lag`: then
    // fast enough to get back within it. The rate a backlog called for holds until it is shown:
    // recomputed from what is left, it fell as the backlog did, and the display crept towards
    // live without reaching it — 17 s for the last of a 50 MB late join.
    return lag > 0 ? std::max({rate, double(m_pendingCharacters) / lag, m_catchUpRate}) : rate;
}

double DisplayPacer::refill()
{
    const double elapsedSeconds
        = m_sinceRefill.isValid() ? m_sinceRefill.nsecsElapsed() / 1e9 : 0.0;
    m_sinceRefill.start();
    const double rate = effectiveRate();
    m_allowance = qMin(m_allowance + rate * elapsedSeconds, rate * kSavedFrameSeconds);
    return m_allowance;
}

void DisplayPacer::tick()
{
    drain(refill());
    updateTimer();
}

// Shows queued events while `budget` characters allow (kUnlimited: no limit; it may go into debt,
// see kBurstSeconds). Events that cost nothing (steps, file starts) go out as soon as they reach
// the front.
void DisplayPacer::drain(double budget)
{
    const bool unlimited = std::isinf(budget);
    const qsizetype before = m_queue.size();
    while (!m_queue.isEmpty()) {
        if (unlimited) {
            const core::Event event = m_queue.dequeue();
            m_pendingCharacters -= cost(event);
            display(event);
            continue;
        }
        if (!applyFront(&budget))
            break;
    }
    if (!unlimited)
        m_allowance = budget;
    if (m_queue.isEmpty())
        m_catchUpRate = 0; // caught up
    if (m_queue.size() != before)
        Q_EMIT backlogChanged(m_queue.size(), m_pendingCharacters);
}

// Shows the front event, or the part of its delta the budget allows. False when out of budget.
bool DisplayPacer::applyFront(double *budget)
{
    core::Event &front = m_queue.head();
    const qsizetype frontCost = cost(front);
    if (frontCost == 0) {
        display(m_queue.dequeue());
        return true;
    }
    // The budget may go into debt down to one burst.
    const int allowed = int(*budget + effectiveRate() * kBurstSeconds);
    if (allowed < 1)
        return false;
    if (frontCost <= allowed) {
        *budget -= double(frontCost);
        m_pendingCharacters -= frontCost;
        display(m_queue.dequeue());
        return true;
    }
    // Show the first `allowed` characters now (never half a surrogate pair), keep the rest.
    QString *delta = nullptr;
    if (auto *code = std::get_if<core::CodeEvent>(&front.payload))
        delta = &code->delta;
    else if (auto *chat = std::get_if<core::ChatEvent>(&front.payload))
        delta = &chat->delta;
    if (!delta)
        return false;
    qsizetype length = 0;
    while (length < allowed) {
        const qsizetype next = core::Chunker::chunkLength(*delta, length, 1);
        if (length + next > allowed)
            break;
        length += next;
    }
    if (length == 0)
        return false;
    core::Event part = front;
    if (auto *code = std::get_if<core::CodeEvent>(&part.payload))
        code->delta = delta->left(length);
    else if (auto *chat = std::get_if<core::ChatEvent>(&part.payload))
        chat->delta = delta->left(length);
    // The rest starts where the part shown ends: with the offset of the whole delta the display
    // model would take it for text it has (and skip it), then every later delta for a gap.
    if (auto *code = std::get_if<core::CodeEvent>(&front.payload)) {
        if (code->offset >= 0)
            code->offset += length;
        if (code->hasPosition)
            code->position
                = core::advancePosition(code->position, QStringView(*delta).left(length));
    } else if (auto *chat = std::get_if<core::ChatEvent>(&front.payload)) {
        if (chat->offset >= 0)
            chat->offset += length;
    }
    delta->remove(0, length);
    *budget -= double(length);
    m_pendingCharacters -= length;
    display(part);
    return false;
}

void DisplayPacer::display(const core::Event &event)
{
    if (const auto *code = std::get_if<core::CodeEvent>(&event.payload)) {
        if (code->type == core::CodeEvent::Type::Start)
            m_rejected.remove(code->fileName); // a new stream of the file is shown again
        else if (m_rejected.contains(code->fileName))
            return;
    } else if (const auto *chat = std::get_if<core::ChatEvent>(&event.payload)) {
        // A message shown later than it arrived keeps the time it arrived (a replay's: the
        // recorded one), as it has when a seek or a catch-up copies the source's state.
        const int index = m_source->chatIndex(chat->messageId);
        m_display->setMessageTime(index >= 0 ? m_source->chat().at(index).timestamp : QDateTime());
    }
    // A file shown complete holds its text in the source's storage: shared before the display
    // applies the `complete`, which then has no text of its own to squeeze.
    if (const auto *code = std::get_if<core::CodeEvent>(&event.payload);
        code && code->type == core::CodeEvent::Type::Complete)
        m_display->shareTextWith(code->fileName, *m_source);
    m_display->apply(event);
}

void DisplayPacer::updateTimer()
{
    const bool needed = !m_paused && m_speed != DisplaySpeed::Instant && !m_queue.isEmpty();
    if (needed && !m_timer.isActive()) {
        m_timer.start();
    } else if (!needed && m_timer.isActive()) {
        m_timer.stop();
    }
}

} // namespace inkstream::ui
