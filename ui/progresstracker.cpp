#include "ui/progresstracker.h"

#include "core/model/sessionmodel.h"
#include "ui/apptheme.h"
#include "ui/progresstrackeraccessible.h"
#include "ui/statusglyph.h"

#include <QAccessible>
#include <QPainter>
#include <cmath>

namespace inkstream::ui {

namespace {

// `detail` less a leading `title` and the separators after it: "Generating a.py" and
// "generating: a.py" under the "Generating" station say "a.py", "Generating" says nothing. A
// detail that only starts like the title ("Generatingly") stays whole.
QString withoutLeadingTitle(const QString &detail, const QString &title)
{
    const auto isSeparator = [](QChar c) {
        return c == u' ' || c == u':' || c == u'-' || c == QChar(0x2014);
    };
    if (!detail.startsWith(title, Qt::CaseInsensitive))
        return detail;
    QStringView rest = QStringView(detail).mid(title.size());
    if (!rest.isEmpty() && !isSeparator(rest.front()))
        return detail;
    while (!rest.isEmpty() && isSeparator(rest.front()))
        rest = rest.mid(1);
    return rest.toString();
}

constexpr int kRadius = 13;
constexpr int kTop = 10;
constexpr int kMargin = 60; // left and right of the stations and the bar
constexpr int kBarHeight = 6;
constexpr int kLabelWidth = 140; // the most a step title takes under its station
const QColor kPending(0x5a, 0x5a, 0x5e);
const QColor kActive(0x7c, 0x5c, 0xff);
const QColor kComplete(0x3f, 0xb9, 0x50);
const QColor kError(0xe5, 0x48, 0x4d);

QColor colorFor(core::StepState state)
{
    switch (state) {
    case core::StepState::Pending:
        return kPending;
    case core::StepState::Active:
        return kActive;
    case core::StepState::Complete:
        return kComplete;
    case core::StepState::Error:
        return kError;
    }
    return kPending;
}

QString fixedStepTitle(int step)
{
    switch (step) {
    case 0:
        return ProgressTracker::tr("Planning");
    case 1:
        return ProgressTracker::tr("Generating");
    case 2:
        return ProgressTracker::tr("Validating");
    default:
        return ProgressTracker::tr("Complete");
    }
}
} // namespace

ProgressTracker::ProgressTracker(core::SessionModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Window);
    m_animation.setInterval(40);
    connect(&m_animation, &QTimer::timeout, this, &ProgressTracker::animate);
    // Assistive technology reads the tracker as a progress bar (ProgressTrackerAccessible).
    static const bool factoryInstalled = [] {
        QAccessible::installFactory(&ProgressTrackerAccessible::create);
        return true;
    }();
    Q_UNUSED(factoryInstalled)
    setAccessibleName(tr("Progress"));
    setAccessibleDescription(tr("The session's steps and how far it is"));
    setFocusPolicy(Qt::TabFocus); // reachable by keyboard, so a screen reader can read it
    connect(m_model, &core::SessionModel::stepChanged, this, &ProgressTracker::onStepChanged);
    connect(m_model, &core::SessionModel::sourceStepChanged, this, &ProgressTracker::onStepChanged);
    connect(m_model, &core::SessionModel::progressChanged, this, [this] {
        update();
        announce();
    });
    connect(m_model, &core::SessionModel::modelReset, this, [this] {
        onSessionStateChanged();
        onStepChanged();
    });
    connect(m_model, &core::SessionModel::sessionStateChanged, this,
            &ProgressTracker::onSessionStateChanged);
    onSessionStateChanged();
}

QList<ProgressTracker::Station> ProgressTracker::stations() const
{
    QList<Station> stations;
    for (const core::SourceStep &step : m_model->sourceSteps())
        stations.append(Station {step.label, step.state, step.detail});
    if (!stations.isEmpty())
        return stations;
    for (int i = 0; i < core::StepCount; ++i) {
        const core::StepInfo &step = m_model->steps()[size_t(i)];
        stations.append(Station {fixedStepTitle(i), step.state, step.detail});
    }
    return stations;
}

int ProgressTracker::percent() const
{
    return qBound(0, m_model->progress(), 100);
}

QString ProgressTracker::accessibleSummary() const
{
    const QList<Station> steps = stations();
    const int current = activeStep(steps);
    QString step = current >= 0 ? steps.at(current).title : QString();
    if (step.isEmpty() && !steps.isEmpty() && steps.constLast().state == core::StepState::Complete)
        step = steps.constLast().title;
    QString text = step.isEmpty() ? tr("Not started") : step;
    text += tr(", %1 %").arg(percent());
    if (current >= 0)
        text += tr(", step %1 of %2").arg(current + 1).arg(steps.size());
    if (isInterrupted())
        text += u", " + m_interruption;
    return text;
}

// Assistive technology hears the value and the step change as they happen.
void ProgressTracker::announce()
{
    if (!QAccessible::isActive())
        return;
    QAccessibleValueChangeEvent valueChanged(this, percent());
    QAccessible::updateAccessibility(&valueChanged);
    QAccessibleEvent nameChanged(this, QAccessible::DescriptionChanged);
    QAccessible::updateAccessibility(&nameChanged);
}

int ProgressTracker::stepCount() const
{
    return int(stations().size());
}

QString ProgressTracker::stepTitle(int step) const
{
    return stations().value(step).title;
}

QRect ProgressTracker::labelRect(int step) const
{
    const int count = stepCount();
    const int span = qMax(1, width() - kMargin * 2);
    const int room = count > 1 ? qMin(kLabelWidth, span / (count - 1) - 6) : kLabelWidth;
    const int x = stationCenter(step).x();
    return {x - room / 2, labelTop(), room, fontMetrics().height()};
}

QString ProgressTracker::shownStepTitle(int step) const
{
    QFont font = this->font();
    font.setBold(stepState(step) == core::StepState::Active);
    return QFontMetrics(font).elidedText(stepTitle(step), Qt::ElideRight, labelRect(step).width());
}

core::StepState ProgressTracker::stepState(int step) const
{
    return stations().value(step).state;
}

int ProgressTracker::currentStep() const
{
    return activeStep(stations());
}

int ProgressTracker::activeStep(const QList<Station> &steps)
{
    for (int i = int(steps.size()) - 1; i >= 0; --i) {
        if (steps.at(i).state == core::StepState::Active)
            return i;
    }
    return -1;
}

QString ProgressTracker::detailText() const
{
    const QList<Station> steps = stations();
    const int step = activeStep(steps);
    const QString detail = m_model->progressDetail();
    if (detail.isEmpty())
        return step >= 0 ? steps.at(step).detail : QString();
    return step >= 0 ? withoutLeadingTitle(detail, steps.at(step).title) : detail;
}

QSize ProgressTracker::sizeHint() const
{
    return {720, minimumSizeHint().height()};
}

QSize ProgressTracker::minimumSizeHint() const
{
    return {360, statusRow().bottom() + 1 + 8};
}

QString ProgressTracker::elapsedText() const
{
    const qint64 seconds = elapsedMs() / 1000;
    return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

qint64 ProgressTracker::elapsedMs() const
{
    if (m_finishedMs >= 0)
        return m_finishedMs;
    if (m_externalClock)
        return m_started ? std::max<qint64>(0, m_externalClock()) : 0;
    return m_countedMs + (m_running.isValid() ? m_running.elapsed() : 0);
}

void ProgressTracker::setExternalClock(std::function<qint64()> nowMs)
{
    m_externalClock = std::move(nowMs);
    update();
}

QString ProgressTracker::statusText() const
{
    return isInterrupted() ? m_interruption : detailText();
}

void ProgressTracker::setInterruption(const QString &message)
{
    if (m_interruption == message)
        return;
    m_interruption = message;
    if (isInterrupted())
        pauseClock();
    else
        runClock();
    onStepChanged();
}

void ProgressTracker::pauseClock()
{
    if (!m_running.isValid())
        return;
    m_countedMs += m_running.elapsed();
    m_running.invalidate();
}

void ProgressTracker::runClock()
{
    if (m_started && m_finishedMs < 0 && !isInterrupted() && !m_running.isValid())
        m_running.start();
}

void ProgressTracker::onSessionStateChanged()
{
    switch (m_model->state()) {
    case core::SessionState::Idle:
        m_started = false;
        m_countedMs = 0;
        m_running.invalidate();
        m_finishedMs = -1;
        break;
    case core::SessionState::Running:
        if (!m_started || m_finishedMs >= 0) {
            // A new run (or the next turn after a complete one): the clock starts over.
            m_started = true;
            m_countedMs = 0;
            m_running.invalidate();
            m_finishedMs = -1;
        }
        runClock();
        break;
    case core::SessionState::Complete:
    case core::SessionState::Error:
        if (m_finishedMs < 0)
            m_finishedMs = elapsedMs();
        m_running.invalidate();
        break;
    }
    onStepChanged();
}

void ProgressTracker::onStepChanged()
{
    // Nothing moves while the stream is interrupted: a turning spinner would say work goes on.
    const bool animate = !isInterrupted()
        && (currentStep() >= 0 || m_model->state() == core::SessionState::Running);
    if (animate && !m_animation.isActive())
        m_animation.start();
    else if (!animate)
        m_animation.stop();
    update();
    announce();
}

// Each tick repaints what moves (the halo and spinner of active steps) and the clock when its
// text changes, not the whole tracker: the window shares its frames with the streaming editor.
void ProgressTracker::animate()
{
    m_phase = std::fmod(m_phase + 0.03, 1.0);
    const QList<Station> steps = stations();
    for (int i = 0; i < int(steps.size()); ++i) {
        if (steps.at(i).state == core::StepState::Active)
            update(stationRect(i));
    }
    if (elapsedText() != m_paintedElapsed)
        update(statusRow());
}

QPoint ProgressTracker::stationCenter(int step) const
{
    const int count = stepCount();
    const int span = qMax(1, width() - kMargin * 2);
    return {kMargin + (count > 1 ? span * step / (count - 1) : span / 2), kTop + kRadius};
}

QRect ProgressTracker::stationRect(int step) const
{
    const int reach = kRadius + 8; // the halo grows to kRadius + 6
    const QPoint center = stationCenter(step);
    return {center.x() - reach, center.y() - reach, reach * 2, reach * 2};
}

int ProgressTracker::labelTop() const
{
    return kTop + kRadius * 2 + 6;
}

QRect ProgressTracker::barRect() const
{
    return {kMargin, labelTop() + fontMetrics().height() + 10, qMax(1, width() - kMargin * 2),
            kBarHeight};
}

QRect ProgressTracker::statusRow() const
{
    const QRect bar = barRect();
    return {bar.left(), bar.bottom() + 1 + 6, bar.width(), fontMetrics().height()};
}

void ProgressTracker::paintEvent(QPaintEvent *)
{
    const QColor textColor = palette().color(QPalette::WindowText);
    const QColor mutedColor = palette().color(QPalette::PlaceholderText);
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QList<Station> steps = stations();
    const int count = int(steps.size());

    for (int i = 0; i + 1 < count; ++i) {
        const bool done = steps.at(i).state == core::StepState::Complete;
        painter.setPen(QPen(done ? kComplete : kPending, 2));
        painter.drawLine(stationCenter(i) + QPoint(kRadius + 4, 0),
                         stationCenter(i + 1) - QPoint(kRadius + 4, 0));
    }

    QFont labelFont = font();
    QFont boldFont = font();
    boldFont.setBold(true);
    for (int i = 0; i < count; ++i) {
        const core::StepState state = steps.at(i).state;
        // The current step of an interrupted stream waits, in the warning colour.
        const bool held = state == core::StepState::Active && isInterrupted();
        const QColor color = held ? AppTheme::warningColor() : colorFor(state);
        const QPointF center = stationCenter(i);
        const qreal glow = 0.5 + 0.5 * std::sin(m_phase * 2 * M_PI);
        if (state == core::StepState::Active && !isInterrupted()) {
            QColor halo = kActive;
            halo.setAlphaF(0.15 + 0.3 * glow);
            painter.setPen(Qt::NoPen);
            painter.setBrush(halo);
            painter.drawEllipse(center, kRadius + 4 + 2 * glow, kRadius + 4 + 2 * glow);
        }
        painter.setPen(QPen(color, 2));
        painter.setBrush(state == core::StepState::Pending ? palette().color(QPalette::Window)
                                                           : color);
        painter.drawEllipse(center, kRadius, kRadius);

        const QRectF inner(center.x() - kRadius * 0.65, center.y() - kRadius * 0.65, kRadius * 1.3,
                           kRadius * 1.3);
        switch (state) {
        case core::StepState::Active:
            StatusGlyph::paint(&painter, inner,
                               held ? StatusGlyph::Kind::Pause : StatusGlyph::Kind::Spinner,
                               Qt::white, m_phase * 3);
            break;
        case core::StepState::Complete:
            StatusGlyph::paint(&painter, inner, StatusGlyph::Kind::Check, Qt::white);
            break;
        case core::StepState::Error:
            StatusGlyph::paint(&painter, inner, StatusGlyph::Kind::Cross, Qt::white);
            break;
        case core::StepState::Pending:
            painter.setFont(boldFont);
            painter.setPen(mutedColor);
            painter.drawText(
                QRectF(center.x() - kRadius, center.y() - kRadius, kRadius * 2, kRadius * 2),
                Qt::AlignCenter, QString::number(i + 1));
            break;
        }

        painter.setFont(state == core::StepState::Active ? boldFont : labelFont);
        painter.setPen(state == core::StepState::Pending ? mutedColor : textColor);
        painter.drawText(labelRect(i), Qt::AlignCenter, shownStepTitle(i));
    }

    const QRectF track = barRect();
    painter.setPen(Qt::NoPen);
    painter.setBrush(palette().color(QPalette::Midlight));
    painter.drawRoundedRect(track, kBarHeight / 2.0, kBarHeight / 2.0);
    const int percent = qBound(0, m_model->progress(), 100);
    const bool failed = m_model->state() == core::SessionState::Error;
    if (percent > 0) {
        QRectF filled = track;
        filled.setWidth(track.width() * percent / 100.0);
        painter.setBrush(failed ? kError : (percent == 100 ? kComplete : kActive));
        painter.drawRoundedRect(filled, kBarHeight / 2.0, kBarHeight / 2.0);
    }

    const QRect textRow = statusRow();
    if (isInterrupted()) {
        painter.setFont(boldFont);
        painter.setPen(AppTheme::warningColor());
    } else {
        painter.setFont(labelFont);
        painter.setPen(mutedColor);
    }
    painter.drawText(textRow, Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetrics(painter.font())
                         .elidedText(statusText(), Qt::ElideRight, textRow.width() - 120));
    painter.setFont(labelFont);
    painter.setPen(textColor);
    QString status = QStringLiteral("%1%").arg(percent);
    m_paintedElapsed = elapsedText();
    if (m_started || m_finishedMs >= 0)
        status += QStringLiteral("  ·  ") + m_paintedElapsed;
    painter.drawText(textRow, Qt::AlignRight | Qt::AlignVCenter, status);
}

} // namespace inkstream::ui
