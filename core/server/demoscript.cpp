#include "core/server/demoscript.h"

#include "core/protocol/jsonmember.h"
#include "core/server/filestreamer.h"
#include "core/server/serverlog.h"
#include "core/server/session.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QStringDecoder>
#include <cmath>
#include <limits>

namespace inkstream::core {

namespace {

constexpr int kDefaultTokenDelayMs = 40;

// Narration goes out roughly as a language model streams it: a word with the space before it.
QStringList tokenize(const QString &text)
{
    QStringList tokens;
    const qsizetype size = text.size();
    for (qsizetype i = 0; i < size;) {
        const qsizetype start = i;
        while (i < size && text[i].isSpace())
            ++i;
        while (i < size && !text[i].isSpace())
            ++i;
        tokens.append(text.mid(start, i - start));
    }
    return tokens;
}

QString baseName(const QString &path)
{
    return path.mid(path.lastIndexOf(u'/') + 1);
}

// Reads member `key` as an integer in [min, max], `fallback` when absent.
bool readInt(const QJsonObject &object, const QString &key, int min, int max, int fallback,
             int *out, QString *error)
{
    *out = fallback;
    return JsonMember::readInteger(object, key, min, max, out, error);
}

} // namespace

DemoScript::DemoScript(Session *session, QObject *parent)
    : QObject(parent)
    , m_session(session)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &DemoScript::onTimeout);
    // A session that goes away ends the play; nothing is published into it afterwards.
    connect(session, &QObject::destroyed, this, [this] {
        m_session = nullptr;
        m_running = false;
        m_phase = Phase::Idle;
        m_timer.stop();
    });
    FileStreamer *streamer = session->fileStreamer();
    connect(streamer, &FileStreamer::fileProgressed, this, &DemoScript::onFileProgressed);
    connect(streamer, &FileStreamer::fileCompleted, this, &DemoScript::onFileCompleted);
}

QString DemoScript::defaultScriptPath()
{
    return QStringLiteral(":/demo/demo-session.json");
}

bool DemoScript::load(const QString &path, QString *error)
{
    auto fail = [&](const QString &why) {
        const QString message = QStringLiteral("demo script %1: %2").arg(path, why);
        if (error)
            *error = message;
        qCWarning(lcServer, "%s", qPrintable(message));
        return false;
    };
    if (m_running)
        return fail(QStringLiteral("cannot load while a script is playing"));

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(file.errorString());
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(
            QStringLiteral("%1 at offset %2").arg(parseError.errorString()).arg(parseError.offset));
    const QJsonObject root = document.object();
    if (root.value(QStringLiteral("version")).toInt() != 1)
        return fail(QStringLiteral("\"version\" must be 1"));

    QString why;
    int tokenDelayMs = 0;
    ChunkOptions defaults;
    if (!readInt(root, QStringLiteral("tokenDelayMs"), 0, 10000, kDefaultTokenDelayMs,
                 &tokenDelayMs, &why)
        || !readInt(root, QStringLiteral("chunkSize"), 1, 1 << 20, defaults.chunkSize,
                    &defaults.chunkSize, &why)
        || !readInt(root, QStringLiteral("delayMs"), 0, 60000, defaults.delayMs, &defaults.delayMs,
                    &why))
        return fail(why);

    const QDir baseDir = QFileInfo(path).dir();
    const QJsonArray entries = root.value(QStringLiteral("actions")).toArray();
    QList<Action> actions;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QJsonObject entry = entries.at(i).toObject();
        const QString type = entry.value(QStringLiteral("type")).toString();
        const auto bad = [&](const QString &reason) {
            return fail(QStringLiteral("action %1 (%2): %3").arg(i + 1).arg(type, reason));
        };
        Action action;
        action.text = entry.value(QStringLiteral("text"))
                          .toString(entry.value(QStringLiteral("detail")).toString());
        if (type == u"chat") {
            action.kind = Action::Kind::Chat;
            const QString role
                = entry.value(QStringLiteral("role")).toString(QStringLiteral("assistant"));
            if (!chatRoleFromText(role, &action.role))
                return bad(QStringLiteral("unknown role \"%1\"").arg(role));
            if (action.text.isEmpty())
                return bad(QStringLiteral("\"text\" is required"));
            if (!readInt(entry, QStringLiteral("tokenDelayMs"), 0, 10000, tokenDelayMs,
                         &action.delayMs, &why))
                return bad(why);
        } else if (type == u"step") {
            action.kind = Action::Kind::Step;
            const QString step = entry.value(QStringLiteral("step")).toString();
            if (!stepNameFromText(step, &action.step))
                return bad(QStringLiteral("unknown step \"%1\"").arg(step));
            const QString status = entry.value(QStringLiteral("status")).toString();
            if (status == u"start")
                action.status = StepEvent::Status::Start;
            else if (status == u"complete")
                action.status = StepEvent::Status::Complete;
            else if (status == u"error")
                action.status = StepEvent::Status::Error;
            else
                return bad(QStringLiteral("\"status\" must be start, complete or error"));
        } else if (type == u"progress") {
            action.kind = Action::Kind::Progress;
            if (!entry.contains(QStringLiteral("percent")))
                return bad(QStringLiteral("\"percent\" is required"));
            if (!readInt(entry, QStringLiteral("percent"), 0, 100, 0, &action.percent, &why))
                return bad(why);
        } else if (type == u"pause") {
            action.kind = Action::Kind::Pause;
            if (!readInt(entry, QStringLiteral("ms"), 0, 600000, 0, &action.delayMs, &why))
                return bad(why);
        } else if (type == u"file") {
            action.kind = Action::Kind::File;
            action.fileName = entry.value(QStringLiteral("name")).toString();
            if (!FileStreamer::validateFileName(action.fileName, &why))
                return bad(why);
            QFile source(baseDir.filePath(entry.value(QStringLiteral("source")).toString()));
            if (!source.open(QIODevice::ReadOnly))
                return bad(QStringLiteral("cannot read %1: %2")
                               .arg(source.fileName(), source.errorString()));
            QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
            action.content = decoder.decode(source.readAll());
            if (decoder.hasError())
                return bad(QStringLiteral("%1 is not valid UTF-8").arg(source.fileName()));
            action.options = defaults;
            action.options.instant = entry.value(QStringLiteral("instant")).toBool();
            if (!readInt(entry, QStringLiteral("chunkSize"), 1, 1 << 20, defaults.chunkSize,
                         &action.options.chunkSize, &why)
                || !readInt(entry, QStringLiteral("delayMs"), 0, 60000, defaults.delayMs,
                            &action.options.delayMs, &why)
                || !readInt(entry, QStringLiteral("progressFrom"), 0, 100, -1, &action.percent,
                            &why)
                || !readInt(entry, QStringLiteral("progressTo"), 0, 100, -1, &action.percentTo,
                            &why))
                return bad(why);
        } else if (type == u"session") {
            action.kind = Action::Kind::Session;
            const QString status = entry.value(QStringLiteral("status")).toString();
            if (status != u"complete" && status != u"error")
                return bad(QStringLiteral("\"status\" must be complete or error"));
            action.sessionFailed = status == u"error";
        } else {
            return bad(QStringLiteral("unknown action type"));
        }
        actions.append(action);
    }
    if (actions.isEmpty() || actions.constLast().kind != Action::Kind::Session)
        return fail(QStringLiteral("the last action must be a \"session\" action, so viewers "
                                   "learn that the session ended"));

    m_title = root.value(QStringLiteral("title")).toString();
    m_actions = actions;
    return true;
}

bool DemoScript::start()
{
    if (m_running) {
        qCWarning(lcServer, "the demo is already playing");
        return false;
    }
    if (!m_session) {
        qCWarning(lcServer, "the demo's session is gone");
        return false;
    }
    QString error;
    if (m_actions.isEmpty() && !load(defaultScriptPath(), &error)) {
        Q_EMIT errorOccurred(error);
        return false;
    }
    qCInfo(lcServer, "session %s: playing demo \"%s\" at speed %g (about %lld s)",
           qPrintable(m_session->id()), qPrintable(m_title), m_speed,
           static_cast<long long>(estimatedDuration().count() / 1000));
    m_running = true;
    m_next = 0;
    m_phase = Phase::Idle;
    runNext();
    return true;
}

void DemoScript::setSpeed(double factor)
{
    if (!(factor > 0.0) || !std::isfinite(factor)) {
        qCWarning(lcServer, "ignoring demo speed %g: it must be a positive number", factor);
        return;
    }
    m_speed = factor;
}

QStringList DemoScript::fileNames() const
{
    QStringList names;
    for (const Action &action : m_actions) {
        if (action.kind == Action::Kind::File)
            names.append(action.fileName);
    }
    return names;
}

std::chrono::milliseconds DemoScript::estimatedDuration() const
{
    qint64 total = 0;
    for (const Action &action : m_actions) {
        switch (action.kind) {
        case Action::Kind::Pause:
            total += scaled(action.delayMs);
            break;
        case Action::Kind::Chat:
            if (action.role == ChatRole::Assistant)
                total += (tokenize(action.text).size() + 1) * scaled(action.delayMs);
            break;
        case Action::Kind::File:
            if (!action.options.instant)
                total += Chunker::chunkCount(action.content, action.options.chunkSize)
                    * scaled(action.options.delayMs);
            break;
        default:
            break;
        }
    }
    return std::chrono::milliseconds(total);
}

int DemoScript::scaled(int ms) const
{
    const double value = std::round(ms / m_speed);
    return value >= std::numeric_limits<int>::max() ? std::numeric_limits<int>::max() : int(value);
}

QString DemoScript::nextMessageId()
{
    return QStringLiteral("demo-%1").arg(++m_messageCounter);
}

void DemoScript::publishMessage(ChatRole role, const QString &text)
{
    ChatEvent start;
    start.type = ChatEvent::Type::Start;
    start.messageId = nextMessageId();
    start.role = role;
    start.delta = text;
    m_session->publish(start);
    ChatEvent complete;
    complete.type = ChatEvent::Type::Complete;
    complete.messageId = start.messageId;
    complete.role = role;
    m_session->publish(complete);
}

void DemoScript::runNext()
{
    // Publishing runs subscribers' code; stop if that destroyed us.
    const QPointer<DemoScript> self(this);
    while (m_running && m_next < m_actions.size()) {
        const Action action = m_actions.at(m_next++);
        switch (action.kind) {
        case Action::Kind::Chat:
            if (action.role == ChatRole::Assistant) {
                m_messageId = nextMessageId();
                m_tokens = tokenize(action.text);
                m_tokenIndex = 0;
                m_tokenDelayMs = action.delayMs;
                ChatEvent start;
                start.type = ChatEvent::Type::Start;
                start.messageId = m_messageId;
                m_session->publish(start);
                if (!self)
                    return;
                m_phase = Phase::Streaming;
                m_timer.start(scaled(m_tokenDelayMs));
                return;
            }
            publishMessage(action.role, action.text);
            break;
        case Action::Kind::Step:
            m_session->publish(StepEvent {action.step, action.status, action.text});
            break;
        case Action::Kind::Progress:
            m_session->publish(ProgressEvent {action.percent, action.text});
            break;
        case Action::Kind::Pause:
            m_phase = Phase::Pausing;
            m_timer.start(scaled(action.delayMs));
            return;
        case Action::Kind::File:
            startFile(action);
            return;
        case Action::Kind::Session: {
            SessionEvent event;
            if (action.sessionFailed) {
                event.type = SessionEvent::Type::Error;
                event.error
                    = action.text.isEmpty() ? QStringLiteral("the demo failed") : action.text;
            }
            m_session->publish(event);
            break;
        }
        }
        if (!self)
            return;
    }
    if (m_running && m_next >= m_actions.size()) {
        m_running = false;
        m_phase = Phase::Idle;
        qCInfo(lcServer, "session %s: demo finished", qPrintable(m_session->id()));
        Q_EMIT finished();
    }
}

void DemoScript::onTimeout()
{
    switch (m_phase) {
    case Phase::Pausing:
        m_phase = Phase::Idle;
        runNext();
        break;
    case Phase::Streaming:
        streamNextToken();
        break;
    case Phase::Idle:
    case Phase::Typing:
        break;
    }
}

void DemoScript::streamNextToken()
{
    ChatEvent event;
    event.messageId = m_messageId;
    if (m_tokenIndex < m_tokens.size()) {
        event.type = ChatEvent::Type::Delta;
        event.delta = m_tokens.at(m_tokenIndex++);
        m_session->publish(event);
        m_timer.start(scaled(m_tokenDelayMs));
        return;
    }
    event.type = ChatEvent::Type::Complete;
    m_phase = Phase::Idle;
    const QPointer<DemoScript> self(this);
    m_session->publish(event);
    if (self)
        runNext();
}

void DemoScript::startFile(const Action &action)
{
    publishMessage(ChatRole::Event,
                   QStringLiteral("Generating %1...").arg(baseName(action.fileName)));
    m_fileName = action.fileName;
    m_fileProgressFrom = action.percent;
    m_fileProgressTo = action.percentTo;
    m_lastPercent = -1;
    if (m_fileProgressFrom >= 0) {
        m_lastPercent = m_fileProgressFrom;
        m_session->publish(ProgressEvent {m_fileProgressFrom,
                                          QStringLiteral("Generating %1").arg(action.fileName)});
    }
    ChunkOptions options = action.options;
    options.delayMs = scaled(options.delayMs);
    m_phase = Phase::Typing;
    m_session->fileStreamer()->enqueue(action.fileName, action.content, options);
}

void DemoScript::onFileProgressed(const QString &fileName, qsizetype written, qsizetype total)
{
    if (m_phase != Phase::Typing || fileName != m_fileName || m_fileProgressFrom < 0
        || m_fileProgressTo < m_fileProgressFrom || total <= 0)
        return;
    const int percent
        = m_fileProgressFrom + int((m_fileProgressTo - m_fileProgressFrom) * written / total);
    if (percent == m_lastPercent)
        return;
    m_lastPercent = percent;
    m_session->publish(ProgressEvent {percent, QStringLiteral("Generating %1").arg(fileName)});
}

void DemoScript::onFileCompleted(const QString &fileName)
{
    if (m_phase != Phase::Typing || fileName != m_fileName)
        return;
    const QPointer<DemoScript> self(this);
    if (m_fileProgressTo >= 0 && m_lastPercent != m_fileProgressTo)
        m_session->publish(
            ProgressEvent {m_fileProgressTo, QStringLiteral("Generating %1").arg(fileName)});
    publishMessage(ChatRole::Event, QStringLiteral("✓ Created %1").arg(baseName(fileName)));
    if (!self)
        return;
    m_phase = Phase::Idle;
    runNext();
}

} // namespace inkstream::core
