#include "ui/replaybar.h"

#include "core/model/replaycontroller.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScopedValueRollback>
#include <QSlider>
#include <QTimer>
#include <QToolButton>

namespace inkstream::ui {

namespace {

constexpr int kTickMs = 100;

QString clockText(qint64 ms)
{
    const qint64 seconds = ms / 1000;
    return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

QString speedText(double factor)
{
    return factor == core::ReplayClock::kInstant ? ReplayBar::tr("Instant")
                                                 : ReplayBar::tr("%1×").arg(factor);
}

QToolButton *buttonFor(QAction *action, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setDefaultAction(action);
    button->setAutoRaise(true);
    return button;
}

} // namespace

QList<double> ReplayBar::speeds()
{
    return {0.25, 0.5, 1, 2, 5, 10, 20, core::ReplayClock::kInstant};
}

ReplayBar::ReplayBar(core::ReplayController *replay, QWidget *parent)
    : QWidget(parent)
    , m_replay(replay)
    , m_ticker(new QTimer(this))
{
    m_previousAction = new QAction(tr("Previous File"), this);
    m_previousAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_BracketLeft));
    m_previousAction->setToolTip(
        tr("Back to the start of this file, or the one before (%1)")
            .arg(m_previousAction->shortcut().toString(QKeySequence::NativeText)));
    m_playAction = new QAction(this);
    m_playAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Space));
    m_nextAction = new QAction(tr("Next File"), this);
    m_nextAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_BracketRight));
    m_nextAction->setToolTip(tr("On to where the next file starts (%1)")
                                 .arg(m_nextAction->shortcut().toString(QKeySequence::NativeText)));
    for (QAction *action : {m_previousAction, m_playAction, m_nextAction})
        action->setShortcutContext(Qt::WindowShortcut);
    connect(m_previousAction, &QAction::triggered, replay,
            &core::ReplayController::seekToPreviousFileStart);
    connect(m_playAction, &QAction::triggered, replay, &core::ReplayController::togglePlaying);
    connect(m_nextAction, &QAction::triggered, replay,
            &core::ReplayController::seekToNextFileStart);

    m_slider = new QSlider(Qt::Horizontal, this);
    updateRange();
    m_slider->setAccessibleName(tr("Replay position"));
    m_slider->setToolTip(tr("Drag to seek anywhere in the recording"));
    connect(m_slider, &QSlider::valueChanged, this, &ReplayBar::onSliderValueChanged);

    m_time = new QLabel(this);
    m_time->setAccessibleName(tr("Replay time"));
    m_time->setMinimumWidth(
        m_time->fontMetrics().horizontalAdvance(QStringLiteral("00:00 / 00:00")));

    m_speed = new QComboBox(this);
    m_speed->setAccessibleName(tr("Replay speed"));
    m_speed->setToolTip(tr("How fast the recording plays"));
    for (const double factor : speeds())
        m_speed->addItem(speedText(factor), factor);
    int current = m_speed->findData(replay->speed());
    if (current < 0) { // a --speed that is not on the list is offered as it is
        m_speed->addItem(speedText(replay->speed()), replay->speed());
        current = m_speed->count() - 1;
    }
    m_speed->setCurrentIndex(current);
    connect(m_speed, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_replay->setSpeed(m_speed->itemData(index).toDouble()); });

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    layout->addWidget(buttonFor(m_previousAction, this));
    QToolButton *playButton = buttonFor(m_playAction, this);
    layout->addWidget(playButton);
    layout->addWidget(buttonFor(m_nextAction, this));
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_time);
    layout->addWidget(new QLabel(tr("Speed:"), this));
    layout->addWidget(m_speed);

    m_ticker->setInterval(kTickMs);
    connect(m_ticker, &QTimer::timeout, this, &ReplayBar::updatePosition);
    connect(replay, &core::ReplayController::positionChanged, this, &ReplayBar::updatePosition);
    // The recording is indexed in the background: the slider reaches further as it goes.
    connect(replay, &core::ReplayController::sizeChanged, this, &ReplayBar::updateRange);
    connect(replay, &core::ReplayController::playingChanged, this, &ReplayBar::updatePlaying);
    connect(replay, &core::ReplayController::speedChanged, this, [this](double factor) {
        const int index = m_speed->findData(factor);
        if (index >= 0 && index != m_speed->currentIndex())
            m_speed->setCurrentIndex(index);
    });
    // As wide as the wider of its two texts, so the slider stays put when one becomes the other.
    int playWidth = 0;
    for (const bool playing : {true, false}) {
        updatePlaying(playing);
        playWidth = qMax(playWidth, playButton->sizeHint().width());
    }
    playButton->setMinimumWidth(playWidth);
    updatePlaying(replay->isPlaying());
    updatePosition();
}

QString ReplayBar::timeText() const
{
    return m_time->text();
}

void ReplayBar::updateRange()
{
    const QScopedValueRollback updating(m_updatingSlider, true); // a new range is no seek
    m_slider->setRange(0, int(qMin<qsizetype>(m_replay->size(), INT_MAX)));
    m_slider->setPageStep(qMax(1, m_slider->maximum() / 20));
    m_slider->setValue(int(m_replay->position()));
}

void ReplayBar::updatePosition()
{
    m_updatingSlider = true;
    m_slider->setValue(int(m_replay->position()));
    m_updatingSlider = false;
    const qint64 now = m_replay->timeMs();
    m_time->setText(
        QStringLiteral("%1 / %2").arg(clockText(now), clockText(m_replay->durationMs())));
    Q_EMIT playheadMoved(now);
}

void ReplayBar::updatePlaying(bool playing)
{
    const QString shortcut = m_playAction->shortcut().toString(QKeySequence::NativeText);
    m_playAction->setText(playing ? tr("Pause") : tr("Play"));
    m_playAction->setToolTip(
        (playing ? tr("Pause the replay (%1)") : tr("Play the replay (%1)")).arg(shortcut));
    if (playing)
        m_ticker->start();
    else
        m_ticker->stop();
    updatePosition();
}

void ReplayBar::onSliderValueChanged(int value)
{
    if (m_updatingSlider || value == m_replay->position())
        return;
    m_replay->seek(value); // while dragging too: a seek is one snapshot and < 1,000 events
}

} // namespace inkstream::ui
