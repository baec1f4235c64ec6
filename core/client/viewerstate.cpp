#include "core/client/viewerstate.h"

#include "core/client/clientlog.h"
#include "core/client/loggableurl.h"
#include "core/client/sessionclient.h"
#include "core/model/sessionmodel.h"

#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

namespace inkstream::core {

namespace {

QUrl comparable(const QUrl &url)
{
    return url.adjusted(QUrl::StripTrailingSlash | QUrl::NormalizePathSegments);
}

} // namespace

ViewerState::ViewerState(const QString &path, QObject *parent)
    : QObject(parent)
    , m_path(path)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        QString error;
        if (!save(&error))
            Q_EMIT saveFailed(error);
    });
}

bool ViewerState::load(const QUrl &url, QString *error)
{
    m_hasState = false;
    auto reject = [&](const QString &why) {
        *error = QStringLiteral("%1: %2").arg(m_path, why);
        return false;
    };
    QFile file(m_path);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly))
        return reject(QStringLiteral("cannot read it: %1").arg(file.errorString()));
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return reject(QStringLiteral("cannot read it: %1").arg(file.errorString()));
    if (bytes.isEmpty())
        return true; // nothing was ever saved in it
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (!document.isObject())
        return reject(QStringLiteral("not a viewer state (%1)")
                          .arg(parseError.error != QJsonParseError::NoError
                                   ? parseError.errorString()
                                   : QStringLiteral("not a JSON object")));
    const QJsonObject state = document.object();
    if (state.value(QStringLiteral("format")).toString() != formatName())
        return reject(
            QStringLiteral("not a viewer state (no \"format\": \"%1\")").arg(formatName()));
    const int version = state.value(QStringLiteral("version")).toInt(-1);
    if (version != kVersion)
        return reject(QStringLiteral("unknown version %1 (this inkstream reads version %2)")
                          .arg(state.value(QStringLiteral("version")).toVariant().toString())
                          .arg(kVersion));
    const QUrl savedUrl(state.value(QStringLiteral("url")).toString(), QUrl::StrictMode);
    if (!savedUrl.isValid() || comparable(savedUrl) != comparable(url))
        return reject(QStringLiteral("it is the state of %1, not of %2")
                          .arg(LoggableUrl::toString(savedUrl), LoggableUrl::toString(url)));
    Dialect dialect = Dialect::Native;
    if (!DialectDecoder::dialectFromText(state.value(QStringLiteral("dialect")).toString(),
                                         &dialect))
        return reject(QStringLiteral("unknown dialect \"%1\"")
                          .arg(state.value(QStringLiteral("dialect")).toString()));
    const qint64 lastSequence = state.value(QStringLiteral("lastSequence")).toInteger(-1);
    if (lastSequence < 0)
        return reject(QStringLiteral("\"lastSequence\" is not a number >= 0"));
    if (!state.value(QStringLiteral("model")).isObject())
        return reject(QStringLiteral("\"model\" is missing"));

    m_url = savedUrl;
    m_dialect = dialect;
    m_epoch = state.value(QStringLiteral("epoch")).toString();
    m_lastSequence = quint64(lastSequence);
    m_model = state.value(QStringLiteral("model")).toObject();
    m_hasState = true;
    return true;
}

bool ViewerState::restoreInto(SessionModel *model, QString *error) const
{
    QString why;
    if (!model->loadSnapshot(m_model, &why)) {
        *error = QStringLiteral("%1: %2").arg(m_path, why);
        return false;
    }
    return true;
}

void ViewerState::track(SessionClient *client)
{
    if (m_client)
        m_client->model()->disconnect(this);
    m_client = client;
    connect(client->model(), &SessionModel::eventApplied, this, &ViewerState::markChanged);
    connect(client->model(), &SessionModel::modelReset, this, &ViewerState::markChanged);
}

std::chrono::milliseconds ViewerState::saveDelay() const
{
    return std::max(m_minimumInterval, 10 * m_lastSaveTime);
}

void ViewerState::markChanged()
{
    m_dirty = true;
    if (!m_timer.isActive())
        m_timer.start(saveDelay());
}

bool ViewerState::save(QString *error)
{
    if (!m_client || m_client->sessionUrl().isEmpty()) {
        if (error)
            *error = QStringLiteral("%1: no session followed, nothing to save").arg(m_path);
        return false;
    }
    QElapsedTimer clock;
    clock.start();
    m_timer.stop();
    const Sequencer &sequencer = m_client->sequencer();
    const QJsonObject state {
        {QStringLiteral("format"), formatName()},
        {QStringLiteral("version"), kVersion},
        {QStringLiteral("url"), m_client->sessionUrl().toString(QUrl::FullyEncoded)},
        {QStringLiteral("dialect"), DialectDecoder::dialectText(m_client->activeDialect())},
        {QStringLiteral("epoch"), sequencer.epoch()},
        {QStringLiteral("lastSequence"), qint64(sequencer.lastSequence())},
        {QStringLiteral("model"), m_client->model()->toSnapshot()}};
    const QByteArray bytes = QJsonDocument(state).toJson(QJsonDocument::Compact);
    QSaveFile file(m_path);
    const bool saved
        = file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit();
    m_lastSaveTime = std::chrono::milliseconds(clock.elapsed());
    if (!saved) {
        const QString message = QStringLiteral("cannot save the viewer state to %1: %2")
                                    .arg(m_path, file.errorString());
        qCWarning(lcClient, "%s", qPrintable(message));
        if (error)
            *error = message;
        return false;
    }
    m_dirty = false;
    ++m_saves;
    qCDebug(lcClient, "saved the viewer state at sequence %llu to %s (%lld bytes, %lld ms)",
            static_cast<unsigned long long>(sequencer.lastSequence()), qPrintable(m_path),
            static_cast<long long>(bytes.size()), static_cast<long long>(m_lastSaveTime.count()));
    return true;
}

} // namespace inkstream::core
