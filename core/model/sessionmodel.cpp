#include "core/model/sessionmodel.h"

#include "core/model/languageguesser.h"

#include <QJsonArray>
#include <algorithm>

namespace inkstream::core {

namespace {

const std::array<QString, 3> kFileStates
    = {QStringLiteral("writing"), QStringLiteral("complete"), QStringLiteral("error")};
const std::array<QString, 4> kStepStates = {QStringLiteral("pending"), QStringLiteral("active"),
                                            QStringLiteral("complete"), QStringLiteral("error")};
const std::array<QString, 4> kSessionStates = {QStringLiteral("idle"), QStringLiteral("running"),
                                               QStringLiteral("complete"), QStringLiteral("error")};
const std::array<QString, 2> kChatStates
    = {QStringLiteral("streaming"), QStringLiteral("complete")};

template<typename Enum, std::size_t N>
bool enumFromText(const std::array<QString, N> &names, const QString &text, Enum *out)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == text) {
            *out = static_cast<Enum>(i);
            return true;
        }
    }
    return false;
}

template<typename Enum, std::size_t N>
QString enumText(const std::array<QString, N> &names, Enum value)
{
    return names[static_cast<std::size_t>(value)];
}

StepState stepStateFor(StepEvent::Status status)
{
    switch (status) {
    case StepEvent::Status::Start:
        return StepState::Active;
    case StepEvent::Status::Complete:
        return StepState::Complete;
    case StepEvent::Status::Error:
        return StepState::Error;
    }
    return StepState::Pending;
}
} // namespace

TextPosition advancePosition(TextPosition from, QStringView text)
{
    const qsizetype lastBreak = text.lastIndexOf(u'\n');
    if (lastBreak < 0) {
        from.column += int(text.size());
        return from;
    }
    from.line += int(text.count(u'\n'));
    from.column = int(text.size() - lastBreak - 1);
    return from;
}

SessionModel::SessionModel(QObject *parent)
    : QObject(parent)
{ }

QString SessionModel::fileStateText(FileState state)
{
    return enumText(kFileStates, state);
}

QString SessionModel::stepStateText(StepState state)
{
    return enumText(kStepStates, state);
}

QString SessionModel::sessionStateText(SessionState state)
{
    return enumText(kSessionStates, state);
}

bool SessionModel::apply(const Event &event)
{
    if (!event.sessionId.isEmpty() && m_sessionId.isEmpty())
        m_sessionId = event.sessionId;

    bool applied = true;
    if (const auto *code = std::get_if<CodeEvent>(&event.payload))
        applied = applyCode(*code);
    else if (const auto *step = std::get_if<StepEvent>(&event.payload))
        applied = applyStep(*step);
    else if (const auto *progress = std::get_if<ProgressEvent>(&event.payload))
        applied = applyProgress(*progress);
    else if (const auto *chat = std::get_if<ChatEvent>(&event.payload))
        applied = applyChat(*chat);
    else if (const auto *session = std::get_if<SessionEvent>(&event.payload))
        applied = applySession(*session);
    else if (const auto *snapshot = std::get_if<SnapshotEvent>(&event.payload)) {
        QString error;
        applied = loadSnapshot(snapshot->state, &error);
        if (!applied)
            fail(error);
    }
    // ConnectedEvent, ShutdownEvent and UsageEvent carry nothing for the model (the analytics
    // count usage).

    if (event.sequence > m_lastSequence)
        m_lastSequence = event.sequence;
    if (applied)
        Q_EMIT eventApplied(event);
    return applied;
}

void SessionModel::clear()
{
    m_files.clear();
    m_fileIndex.clear();
    m_chat.clear();
    m_chatIndex.clear();
    m_steps = {};
    m_sourceSteps.clear();
    m_progress = 0;
    m_progressDetail.clear();
    m_state = SessionState::Idle;
    m_sessionError.clear();
    m_sessionId.clear();
    m_lastSequence = 0;
    Q_EMIT modelReset();
}

bool SessionModel::newText(qsizetype have, qint64 offset, const QString &text, QString *fresh,
                           const QString &where)
{
    if (offset < 0 || text.isEmpty()) {
        *fresh = text;
        return true;
    }
    if (offset > have) {
        return fail(QStringLiteral("%1: text at offset %2, but only %3 characters arrived before "
                                   "it (a gap)")
                        .arg(where)
                        .arg(offset)
                        .arg(have));
    }
    const qsizetype known = qMin(have - qsizetype(offset), text.size());
    m_repeatedCharacters += quint64(known);
    *fresh = known == 0 ? text : text.mid(known);
    return true;
}

bool SessionModel::fail(const QString &message)
{
    Q_EMIT errorReported(message);
    return false;
}

void SessionModel::setState(SessionState state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT sessionStateChanged(state);
}

int SessionModel::ensureFile(const QString &name, const QString &language)
{
    const int existing = fileIndex(name);
    if (existing >= 0)
        return existing;
    SessionFile file;
    file.name = name;
    file.language = language.isEmpty() ? LanguageGuesser::languageForFileName(name) : language;
    m_files.append(file);
    const int index = int(m_files.size() - 1);
    m_fileIndex.insert(name, index);
    Q_EMIT fileAdded(index);
    return index;
}

bool SessionModel::applyCode(const CodeEvent &code)
{
    if (code.fileName.isEmpty())
        return fail(QStringLiteral("code event without a file name"));
    if (m_state == SessionState::Idle)
        setState(SessionState::Running);

    const bool isNew = fileIndex(code.fileName) < 0;
    const int index = ensureFile(code.fileName, code.language);
    SessionFile &file = m_files[index];

    switch (code.type) {
    case CodeEvent::Type::Start: {
        if (!code.language.isEmpty())
            file.language = code.language;
        const bool hadContent = !file.content.isEmpty();
        if (!isNew) {
            // A new stream into an existing file rewrites it; keep what was there for diffs.
            file.previousContent = file.content;
            file.content.clear();
            file.end = {};
            file.error.clear();
        }
        const bool stateChanged = file.state != FileState::Writing;
        file.state = FileState::Writing;
        if (hadContent)
            Q_EMIT fileTextReset(index);
        if (stateChanged || isNew)
            Q_EMIT fileStateChanged(index);
        return true;
    }
    case CodeEvent::Type::Delta: {
        QString delta;
        if (!newText(file.content.size(), code.offset, code.delta, &delta,
                     QStringLiteral("file ") + file.name))
            return false;
        if (delta.isEmpty())
            return true;
        const bool wasWriting = file.state == FileState::Writing;
        file.state = FileState::Writing;
        file.content.append(delta);
        file.end = advancePosition(file.end, delta);
        Q_EMIT fileTextAppended(index, delta);
        if (!wasWriting)
            Q_EMIT fileStateChanged(index);
        return true;
    }
    case CodeEvent::Type::Complete: {
        if (code.hasFullContent && code.fullContent != file.content) {
            // fullContent is authoritative (seed 000): correct the accumulated deltas.
            const bool hadDeltas = !file.content.isEmpty();
            file.content = code.fullContent;
            file.end = advancePosition({}, file.content);
            Q_EMIT fileTextReset(index);
            if (hadDeltas)
                Q_EMIT contentCorrected(index);
        }
        file.state = FileState::Complete;
        file.error.clear();
        // Appends reserved room to grow (up to the text's size again); a finished file needs
        // none. Text shared with another model stays shared instead.
        if (file.content.isDetached())
            file.content.squeeze();
        Q_EMIT fileStateChanged(index);
        return true;
    }
    case CodeEvent::Type::Error:
        file.state = FileState::Error;
        file.error = code.error.isEmpty() ? QStringLiteral("unknown error") : code.error;
        Q_EMIT fileStateChanged(index);
        return true;
    }
    return fail(QStringLiteral("code event of unknown type"));
}

QString SessionModel::sourceStepLabel(const QString &name)
{
    QString label = name;
    label.replace(u'_', u' ').replace(u'-', u' ');
    if (!label.isEmpty())
        label[0] = label.at(0).toUpper();
    return label;
}

bool SessionModel::applySourceStep(const StepEvent &step)
{
    if (m_state == SessionState::Idle)
        setState(SessionState::Running);
    auto it = std::find_if(m_sourceSteps.begin(), m_sourceSteps.end(),
                           [&step](const SourceStep &known) { return known.name == step.source; });
    if (it == m_sourceSteps.end()) {
        m_sourceSteps.append(SourceStep {step.source, sourceStepLabel(step.source), {}, {}});
        it = m_sourceSteps.end() - 1;
    }
    it->state = stepStateFor(step.status);
    if (!step.detail.isEmpty() || step.status == StepEvent::Status::Start)
        it->detail = step.detail;
    Q_EMIT sourceStepChanged(int(it - m_sourceSteps.begin()));
    return true;
}

bool SessionModel::applyStep(const StepEvent &step)
{
    if (!step.source.isEmpty())
        return applySourceStep(step);
    const auto index = static_cast<std::size_t>(step.step);
    if (index >= m_steps.size())
        return fail(QStringLiteral("step event for an unknown step"));
    // A step that starts after the session ended begins another round of work (a tap's next
    // reply, the window's next prompt): the session runs again.
    const bool ended = m_state == SessionState::Complete || m_state == SessionState::Error;
    if (m_state == SessionState::Idle || (ended && step.status == StepEvent::Status::Start)) {
        m_sessionError.clear();
        setState(SessionState::Running);
    }
    StepInfo &info = m_steps[index];
    switch (step.status) {
    case StepEvent::Status::Start:
        info.state = StepState::Active;
        break;
    case StepEvent::Status::Complete:
        info.state = StepState::Complete;
        break;
    case StepEvent::Status::Error:
        info.state = StepState::Error;
        break;
    }
    if (!step.detail.isEmpty() || step.status == StepEvent::Status::Start)
        info.detail = step.detail;
    Q_EMIT stepChanged(int(index));
    return true;
}

bool SessionModel::applyProgress(const ProgressEvent &progress)
{
    if (progress.percent < 0 || progress.percent > 100)
        return fail(QStringLiteral("progress %1 is outside 0..100").arg(progress.percent));
    m_progress = progress.percent;
    m_progressDetail = progress.detail;
    Q_EMIT progressChanged(m_progress, m_progressDetail);
    return true;
}

int SessionModel::ensureChatMessage(const QString &id, ChatRole role)
{
    const int existing = m_chatIndex.value(id, -1);
    if (existing >= 0)
        return existing;
    ChatMessage message;
    message.id = id;
    message.role = role;
    message.timestamp = m_messageTime.isValid() ? m_messageTime : QDateTime::currentDateTimeUtc();
    m_chat.append(message);
    const int index = int(m_chat.size() - 1);
    m_chatIndex.insert(id, index);
    Q_EMIT chatMessageAdded(index);
    return index;
}

bool SessionModel::applyChat(const ChatEvent &chat)
{
    if (chat.messageId.isEmpty())
        return fail(QStringLiteral("chat event without a message id"));
    if (m_state == SessionState::Idle)
        setState(SessionState::Running);
    const int existing = m_chatIndex.value(chat.messageId, -1);
    QString delta;
    if (!newText(existing >= 0 ? m_chat.at(existing).text.size() : 0, chat.offset, chat.delta,
                 &delta, QStringLiteral("chat message ") + chat.messageId))
        return false;
    const int index = ensureChatMessage(chat.messageId, chat.role);
    ChatMessage &message = m_chat[index];
    if (!delta.isEmpty()) {
        message.text.append(delta);
        Q_EMIT chatTextAppended(index, delta);
    }
    if (chat.type == ChatEvent::Type::Complete && message.state != ChatState::Complete) {
        message.state = ChatState::Complete;
        Q_EMIT chatMessageStateChanged(index);
    }
    return true;
}

bool SessionModel::applySession(const SessionEvent &session)
{
    if (session.type == SessionEvent::Type::Complete) {
        m_sessionError.clear();
        setState(SessionState::Complete);
    } else {
        m_sessionError = session.error.isEmpty() ? QStringLiteral("unknown error") : session.error;
        setState(SessionState::Error);
    }
    return true;
}

void SessionModel::copyFrom(const SessionModel &other)
{
    if (&other == this)
        return;
    m_files = other.m_files;
    m_fileIndex = other.m_fileIndex;
    m_chat = other.m_chat;
    m_chatIndex = other.m_chatIndex;
    m_steps = other.m_steps;
    m_sourceSteps = other.m_sourceSteps;
    m_progress = other.m_progress;
    m_progressDetail = other.m_progressDetail;
    m_state = other.m_state;
    m_sessionError = other.m_sessionError;
    m_sessionId = other.m_sessionId;
    m_lastSequence = other.m_lastSequence;
    Q_EMIT modelReset();
}

void SessionModel::shareTextWith(const QString &fileName, const SessionModel &source)
{
    const int index = fileIndex(fileName);
    const int sourceIndex = source.fileIndex(fileName);
    if (index < 0 || sourceIndex < 0)
        return;
    SessionFile &file = m_files[index];
    const SessionFile &sourceFile = source.m_files.at(sourceIndex);
    if (sourceFile.state != FileState::Complete)
        return; // its text may still grow
    if (file.content == sourceFile.content)
        file.content = sourceFile.content;
    if (file.previousContent == sourceFile.previousContent)
        file.previousContent = sourceFile.previousContent;
}

QJsonObject SessionModel::toSnapshot(SnapshotText text) const
{
    const bool withText = text == SnapshotText::Included;
    QJsonArray files;
    for (const SessionFile &file : m_files) {
        QJsonObject entry {{QStringLiteral("name"), file.name},
                           {QStringLiteral("language"), file.language},
                           {QStringLiteral("content"), withText ? file.content : QString()},
                           {QStringLiteral("state"), fileStateText(file.state)}};
        if (!file.error.isEmpty())
            entry.insert(QStringLiteral("error"), file.error);
        files.append(entry);
    }
    QJsonArray chat;
    for (const ChatMessage &message : m_chat) {
        chat.append(QJsonObject {
            {QStringLiteral("id"), message.id},
            {QStringLiteral("role"), chatRoleText(message.role)},
            {QStringLiteral("text"), withText ? message.text : QString()},
            {QStringLiteral("state"), enumText(kChatStates, message.state)},
            {QStringLiteral("timestamp"), message.timestamp.toString(Qt::ISODateWithMs)}});
    }
    QJsonArray steps;
    for (std::size_t i = 0; i < m_steps.size(); ++i) {
        steps.append(QJsonObject {{QStringLiteral("name"), stepNameText(StepName(i))},
                                  {QStringLiteral("state"), stepStateText(m_steps[i].state)},
                                  {QStringLiteral("detail"), m_steps[i].detail}});
    }
    QJsonArray sourceSteps;
    for (const SourceStep &step : m_sourceSteps) {
        sourceSteps.append(QJsonObject {{QStringLiteral("name"), step.name},
                                        {QStringLiteral("label"), step.label},
                                        {QStringLiteral("state"), stepStateText(step.state)},
                                        {QStringLiteral("detail"), step.detail}});
    }
    QJsonObject snapshot {{QStringLiteral("version"), 1},
                          {QStringLiteral("sessionId"), m_sessionId},
                          {QStringLiteral("lastSequence"), qint64(m_lastSequence)},
                          {QStringLiteral("state"), sessionStateText(m_state)},
                          {QStringLiteral("progress"), m_progress},
                          {QStringLiteral("progressDetail"), m_progressDetail},
                          {QStringLiteral("steps"), steps},
                          {QStringLiteral("files"), files},
                          {QStringLiteral("chat"), chat}};
    if (!m_sessionError.isEmpty())
        snapshot.insert(QStringLiteral("error"), m_sessionError);
    if (!sourceSteps.isEmpty()) // absent for the native protocol: older readers see nothing new
        snapshot.insert(QStringLiteral("sourceSteps"), sourceSteps);
    return snapshot;
}

bool SessionModel::loadSnapshot(const QJsonObject &snapshot, QString *error)
{
    auto reject = [error](const QString &why) {
        if (error)
            *error = QStringLiteral("malformed snapshot: ") + why;
        return false;
    };
    if (snapshot.value(QStringLiteral("version")).toInt() != 1)
        return reject(QStringLiteral("unsupported version"));

    QList<SessionFile> files;
    QHash<QString, int> fileIndex;
    for (const QJsonValue value : snapshot.value(QStringLiteral("files")).toArray()) {
        const QJsonObject entry = value.toObject();
        SessionFile file;
        file.name = entry.value(QStringLiteral("name")).toString();
        if (file.name.isEmpty() || fileIndex.contains(file.name))
            return reject(QStringLiteral("file without a name, or listed twice"));
        file.language = entry.value(QStringLiteral("language")).toString();
        file.content = entry.value(QStringLiteral("content")).toString();
        file.error = entry.value(QStringLiteral("error")).toString();
        if (!enumFromText(kFileStates, entry.value(QStringLiteral("state")).toString(),
                          &file.state))
            return reject(QStringLiteral("file %1 has an unknown state").arg(file.name));
        file.end = advancePosition({}, file.content);
        fileIndex.insert(file.name, int(files.size()));
        files.append(file);
    }

    QList<ChatMessage> chat;
    QHash<QString, int> chatIndex;
    for (const QJsonValue value : snapshot.value(QStringLiteral("chat")).toArray()) {
        const QJsonObject entry = value.toObject();
        ChatMessage message;
        message.id = entry.value(QStringLiteral("id")).toString();
        if (message.id.isEmpty() || chatIndex.contains(message.id))
            return reject(QStringLiteral("chat message without an id, or listed twice"));
        if (!chatRoleFromText(entry.value(QStringLiteral("role")).toString(), &message.role))
            return reject(QStringLiteral("chat message %1 has an unknown role").arg(message.id));
        message.text = entry.value(QStringLiteral("text")).toString();
        if (!enumFromText(kChatStates, entry.value(QStringLiteral("state")).toString(),
                          &message.state))
            return reject(QStringLiteral("chat message %1 has an unknown state").arg(message.id));
        message.timestamp = QDateTime::fromString(
            entry.value(QStringLiteral("timestamp")).toString(), Qt::ISODateWithMs);
        chatIndex.insert(message.id, int(chat.size()));
        chat.append(message);
    }

    std::array<StepInfo, StepCount> steps {};
    for (const QJsonValue value : snapshot.value(QStringLiteral("steps")).toArray()) {
        const QJsonObject entry = value.toObject();
        StepName name = StepName::Planning;
        if (!stepNameFromText(entry.value(QStringLiteral("name")).toString(), &name))
            return reject(QStringLiteral("unknown step"));
        StepInfo &info = steps[static_cast<std::size_t>(name)];
        if (!enumFromText(kStepStates, entry.value(QStringLiteral("state")).toString(),
                          &info.state))
            return reject(QStringLiteral("step with an unknown state"));
        info.detail = entry.value(QStringLiteral("detail")).toString();
    }

    QList<SourceStep> sourceSteps;
    for (const QJsonValue value : snapshot.value(QStringLiteral("sourceSteps")).toArray()) {
        const QJsonObject entry = value.toObject();
        SourceStep step;
        step.name = entry.value(QStringLiteral("name")).toString();
        if (step.name.isEmpty())
            return reject(QStringLiteral("source step without a name"));
        step.label = entry.value(QStringLiteral("label")).toString(sourceStepLabel(step.name));
        if (!enumFromText(kStepStates, entry.value(QStringLiteral("state")).toString(),
                          &step.state))
            return reject(QStringLiteral("source step with an unknown state"));
        step.detail = entry.value(QStringLiteral("detail")).toString();
        sourceSteps.append(step);
    }

    SessionState state = SessionState::Idle;
    if (!enumFromText(kSessionStates, snapshot.value(QStringLiteral("state")).toString(), &state))
        return reject(QStringLiteral("unknown session state"));
    const int progress = snapshot.value(QStringLiteral("progress")).toInt(-1);
    if (progress < 0 || progress > 100)
        return reject(QStringLiteral("progress outside 0..100"));
    const qint64 lastSequence = snapshot.value(QStringLiteral("lastSequence")).toInteger(-1);
    if (lastSequence < 0)
        return reject(QStringLiteral("lastSequence is not a non-negative number"));

    m_files = std::move(files);
    m_fileIndex = std::move(fileIndex);
    m_chat = std::move(chat);
    m_chatIndex = std::move(chatIndex);
    m_steps = steps;
    m_sourceSteps = std::move(sourceSteps);
    m_progress = progress;
    m_progressDetail = snapshot.value(QStringLiteral("progressDetail")).toString();
    m_state = state;
    m_sessionError = snapshot.value(QStringLiteral("error")).toString();
    m_sessionId = snapshot.value(QStringLiteral("sessionId")).toString();
    m_lastSequence = quint64(lastSequence);
    Q_EMIT modelReset();
    return true;
}

} // namespace inkstream::core
