#include "ui/viewerstatestore.h"

#include "core/client/sessionclient.h"
#include "core/client/viewerstate.h"
#include "core/model/sessionmodel.h"
#include "ui/uilog.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace inkstream::ui {

namespace {

// As ViewerState compares URLs: one file for both spellings of a session URL.
QUrl normalised(const QUrl &url)
{
    return url.adjusted(QUrl::StripTrailingSlash | QUrl::NormalizePathSegments);
}

// The session id of .../api/sessions/ID or .../ID/stream, for a file name a person can read.
QString readableName(const QUrl &url)
{
    QStringList segments = url.path().split(u'/', Qt::SkipEmptyParts);
    if (!segments.isEmpty() && segments.constLast() == u"stream")
        segments.removeLast();
    QString name = segments.isEmpty() ? url.host() : segments.constLast();
    name.removeIf([](QChar c) {
        return !(c.isLetterOrNumber() && c.unicode() < 128) && c != u'-' && c != u'_' && c != u'.';
    });
    return name.left(40);
}

bool resumable(core::Dialect dialect)
{
    // Auto: nothing was recognised yet, so nothing foreign was numbered either.
    return dialect == core::Dialect::Native || dialect == core::Dialect::Auto;
}

} // namespace

ViewerStateStore::ViewerStateStore(QObject *parent)
    : QObject(parent)
{ }

ViewerStateStore::~ViewerStateStore()
{
    saveNow();
}

QString ViewerStateStore::directory()
{
    // Qt 6.4 has no QStandardPaths::StateLocation. The XDG spec ignores a relative path.
    QString base = qEnvironmentVariable("XDG_STATE_HOME");
    if (base.isEmpty() || QDir::isRelativePath(base))
        base = QDir::homePath() + QStringLiteral("/.local/state");
    return base + QStringLiteral("/inkstream/viewer");
}

QString ViewerStateStore::pathFor(const QUrl &sessionUrl)
{
    const QUrl url = normalised(sessionUrl);
    const QByteArray hash = QCryptographicHash::hash(url.toString(QUrl::FullyEncoded).toUtf8(),
                                                     QCryptographicHash::Sha256)
                                .toHex()
                                .left(32);
    const QString name = readableName(url);
    return directory() + u'/' + (name.isEmpty() ? QString() : name + u'-')
        + QString::fromLatin1(hash) + QStringLiteral(".json");
}

bool ViewerStateStore::restore(const QUrl &url, core::SessionModel *model)
{
    stop();
    m_restoredSequence = 0;
    m_restoredEpoch.clear();
    m_restoredDialect = core::Dialect::Auto;
    core::ViewerState state(pathFor(url));
    QString error;
    if (!state.load(url, &error)) {
        qCWarning(lcUi, "ignoring the saved viewer state, starting afresh: %s", qPrintable(error));
        return false;
    }
    if (!state.hasState())
        return false;
    if (!resumable(state.dialect())) {
        qCWarning(lcUi,
                  "ignoring the saved viewer state %s, starting afresh: it follows a %s stream, "
                  "which cannot be resumed",
                  qPrintable(state.path()),
                  qPrintable(core::DialectDecoder::dialectText(state.dialect())));
        return false;
    }
    if (!state.restoreInto(model, &error)) {
        qCWarning(lcUi, "ignoring the saved viewer state, starting afresh: %s", qPrintable(error));
        return false;
    }
    m_restoredSequence = state.lastSequence();
    m_restoredEpoch = state.epoch();
    m_restoredDialect = state.dialect();
    qCInfo(lcUi, "restored %lld file(s) of %s from %s; resuming after sequence %llu",
           static_cast<long long>(model->files().size()), qPrintable(url.toDisplayString()),
           qPrintable(state.path()), static_cast<unsigned long long>(m_restoredSequence));
    return true;
}

void ViewerStateStore::follow(core::SessionClient *client)
{
    stop();
    const QString path = pathFor(client->sessionUrl());
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        qCWarning(lcUi, "cannot create %s: the viewer state is not kept",
                  qPrintable(QFileInfo(path).absolutePath()));
    m_client = client;
    m_url = client->sessionUrl();
    m_state = std::make_unique<core::ViewerState>(path);
    if (!m_pruned) {
        m_pruned = true;
        prune();
    }
    m_state->track(client);
    connect(m_state.get(), &core::ViewerState::saveFailed, this,
            [](const QString &message) { qCWarning(lcUi, "%s", qPrintable(message)); });
    // Someone else pointed the client elsewhere (the local demo): what it shows now is not
    // this session's. The file keeps its last save.
    m_connections << connect(client, &core::SessionClient::stateChanged, this,
                             [this](core::ConnectionState state) {
                                 if (state == core::ConnectionState::Connecting
                                     && normalised(m_client->sessionUrl()) != normalised(m_url))
                                     forget(QString());
                             });
    m_connections << connect(client, &core::SessionClient::dialectDetected, this,
                             [this](core::Dialect dialect) {
                                 if (resumable(dialect))
                                     return;
                                 const QString file = m_state->path();
                                 forget(QStringLiteral("a %1 stream cannot be resumed")
                                            .arg(core::DialectDecoder::dialectText(dialect)));
                                 QFile::remove(file);
                             });
}

bool ViewerStateStore::isFollowing() const
{
    return m_state != nullptr;
}

QString ViewerStateStore::path() const
{
    return m_state ? m_state->path() : QString();
}

int ViewerStateStore::saves() const
{
    return m_state ? m_state->saves() : 0;
}

void ViewerStateStore::saveNow()
{
    if (!m_state || !m_state->hasUnsavedChanges())
        return;
    QString error;
    if (!m_state->save(&error))
        qCWarning(lcUi, "%s", qPrintable(error));
}

void ViewerStateStore::stop()
{
    saveNow();
    forget(QString());
}

// Stops following without saving.
void ViewerStateStore::forget(const QString &why)
{
    if (!m_state)
        return;
    if (!why.isEmpty())
        qCInfo(lcUi, "not keeping the viewer state of %s: %s", qPrintable(m_url.toDisplayString()),
               qPrintable(why));
    for (const QMetaObject::Connection &connection : std::as_const(m_connections))
        disconnect(connection);
    m_connections.clear();
    m_state.reset();
    m_client = nullptr;
    m_url.clear();
}

void ViewerStateStore::prune() const
{
    QDir dir(directory());
    QFileInfoList files = dir.entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Time);
    const QDateTime oldest = QDateTime::currentDateTime().addSecs(
        -std::chrono::duration_cast<std::chrono::seconds>(kMaxAge).count());
    const QString followed = m_state ? m_state->path() : QString();
    int kept = 0;
    for (const QFileInfo &file : std::as_const(files)) { // newest first
        if (file.absoluteFilePath() == QFileInfo(followed).absoluteFilePath()) {
            ++kept;
            continue;
        }
        if (kept < kMaxFiles && file.lastModified() >= oldest) {
            ++kept;
            continue;
        }
        if (QFile::remove(file.absoluteFilePath()))
            qCInfo(lcUi, "removed the old viewer state %s", qPrintable(file.absoluteFilePath()));
    }
}

} // namespace inkstream::ui
