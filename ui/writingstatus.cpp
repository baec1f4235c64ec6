#include "ui/writingstatus.h"

#include "core/client/sessionclient.h"
#include "core/model/sessionmodel.h"
#include "ui/displaypacer.h"
#include "ui/editorpane.h"
#include "ui/filedocuments.h"
#include "ui/filefollower.h"
#include "ui/filelistmodel.h"
#include "ui/progresstracker.h"
#include "ui/sessionview.h"
#include "ui/writingbadge.h"

namespace inkstream::ui {

WritingStatus::WritingStatus(core::SessionClient *client, core::SessionModel *model,
                             core::SessionModel *displayModel, DisplayPacer *pacer,
                             FileDocuments *documents, FileFollower *follower, SessionView *view,
                             QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_model(model)
    , m_displayModel(displayModel)
    , m_pacer(pacer)
    , m_follower(follower)
    , m_view(view)
{
    // The connection dropping or coming back, the session ending, the display catching up.
    connect(m_client, &core::SessionClient::stateChanged, this,
            &WritingStatus::onConnectionStateChanged);
    connect(m_model, &core::SessionModel::sessionStateChanged, this,
            &WritingStatus::updateInterruption);
    connect(m_model, &core::SessionModel::modelReset, this, &WritingStatus::updateInterruption);
    connect(m_pacer, &DisplayPacer::backlogChanged, this, &WritingStatus::updateWriting);
    connect(m_follower, &FileFollower::fileShown, this, &WritingStatus::updateWriting);
    connect(m_displayModel, &core::SessionModel::sessionStateChanged, this,
            &WritingStatus::updateWriting);
    connect(m_displayModel, &core::SessionModel::fileStateChanged, this, [this](int fileIndex) {
        if (fileIndex == m_follower->currentFile())
            updateWriting();
    });
    // Text streams again: the badge pulses again.
    connect(documents, &FileDocuments::documentAppended, this, &WritingStatus::streamResumed);
    connect(m_displayModel, &core::SessionModel::eventApplied, this,
            [this](const core::Event &event) {
                // A file started or finished after the connection came back: the AI is at work
                // again (a delta counts once it shows text, documentAppended).
                const auto *code = std::get_if<core::CodeEvent>(&event.payload);
                if (code && code->type != core::CodeEvent::Type::Delta)
                    streamResumed();
            });
}

void WritingStatus::reset()
{
    m_connectionLost = false;
    m_waitingForText = false;
    updateInterruption();
}

void WritingStatus::setReplaying(bool replaying)
{
    m_replaying = replaying;
    updateInterruption();
}

void WritingStatus::onConnectionStateChanged(core::ConnectionState state)
{
    switch (state) {
    case core::ConnectionState::Idle:
    case core::ConnectionState::Connected:
    case core::ConnectionState::Streaming:
        m_connectionLost = false;
        break;
    case core::ConnectionState::Retrying:
    case core::ConnectionState::Disconnected:
    case core::ConnectionState::Error:
        m_connectionLost = true;
        break;
    case core::ConnectionState::Connecting:
        break; // a first connection starts clean (reset); a retry is still lost
    }
    updateInterruption();
}

// Said only while the session is unfinished: a complete session's stream may end, and a chat
// reply's stream ends with the reply.
QString WritingStatus::interruptionText() const
{
    if (!m_connectionLost || m_replaying || m_client->isOneShot()
        || m_model->state() != core::SessionState::Running)
        return {};
    switch (m_client->state()) {
    case core::ConnectionState::Disconnected:
        return tr("Disconnected — Reconnect (Ctrl+R) resumes the stream");
    case core::ConnectionState::Error:
        return tr("Connection lost — Reconnect (Ctrl+R) to try again");
    default:
        return tr("Connection lost — reconnecting…");
    }
}

void WritingStatus::updateInterruption()
{
    const QString text = interruptionText();
    ProgressTracker *tracker = m_view->progressTracker();
    if (!text.isEmpty() && !tracker->isInterrupted())
        m_waitingForText = true;
    tracker->setInterruption(text);
    m_view->fileListModel()->setInterrupted(!text.isEmpty());
    updateWriting();
}

void WritingStatus::updateWriting()
{
    const int current = m_follower->currentFile();
    const bool writing = current >= 0 && current < m_displayModel->files().size()
        && m_displayModel->files().at(current).state == core::FileState::Writing
        && m_displayModel->state() != core::SessionState::Complete
        && m_displayModel->state() != core::SessionState::Error;
    m_view->editorPane()->setWriting(writing);
    // After the connection dropped the badge stops pulsing once the display has shown what
    // arrived before, and pulses again with the first text shown after it is back.
    const bool stalled = m_waitingForText && m_pacer->pendingCharacters() == 0;
    m_view->editorPane()->badge()->setInterrupted(writing && stalled);
}

void WritingStatus::streamResumed()
{
    if (!m_waitingForText || m_connectionLost)
        return;
    m_waitingForText = false;
    updateWriting();
}

} // namespace inkstream::ui
