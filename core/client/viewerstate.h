#pragma once

#include "core/protocol/dialectdecoder.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <chrono>

namespace inkstream::core {

class SessionClient;
class SessionModel;

// A viewer's state of one session kept in a file, so that a viewer that stopped (or was
// killed) resumes where it was and receives only what it lacks: the session URL, the dialect
// followed, the publisher's history (epoch), the last applied sequence and the model
// (SessionModel::toSnapshot()). One JSON object, always replaced whole (QSaveFile):
//   {"format": "inkstream-viewer-state", "version": 1, "url": "...", "dialect": "native",
//    "epoch": "...", "lastSequence": N, "model": {...}}
// `watch --state FILE` keeps one; so can the window, per session it follows.
class ViewerState final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ViewerState)

public:
    static constexpr int kVersion = 1;
    static QString formatName() { return QStringLiteral("inkstream-viewer-state"); }

    explicit ViewerState(const QString &path, QObject *parent = nullptr);
    QString path() const { return m_path; }

    // Reads the file for following `url`. A missing or empty file holds no state: true, and
    // hasState() is false. A file that cannot be read, is not a viewer state, has another
    // version or was written for another URL is an error: false, `error` says which.
    bool load(const QUrl &url, QString *error);
    bool hasState() const { return m_hasState; }
    QUrl url() const { return m_url; }
    Dialect dialect() const { return m_dialect; }
    QString epoch() const { return m_epoch; }
    quint64 lastSequence() const { return m_lastSequence; }
    // Puts the loaded model into `model` (loadSnapshot); false with `error` when it is malformed.
    bool restoreInto(SessionModel *model, QString *error) const;

    // Keeps the file up to date with `client` (its model and sequencer): after a change it is
    // saved at most once per minimum interval, and less often when saving takes long (a save is
    // given at most a tenth of the time), so a large session is not rewritten many times a
    // second. Failures are reported (saveFailed) and retried with the next change.
    void track(SessionClient *client);
    // Saves `client`'s state now (the last save on exit). False with `error` on failure.
    bool save(QString *error = nullptr);
    // At least this long between two saves (default 1 s).
    void setMinimumInterval(std::chrono::milliseconds interval) { m_minimumInterval = interval; }
    // The wait before the next save after a change: the minimum interval, or ten times the
    // last save when that is longer.
    std::chrono::milliseconds saveDelay() const;
    int saves() const { return m_saves; }
    bool hasUnsavedChanges() const { return m_dirty; }

Q_SIGNALS:
    void saveFailed(const QString &message);

private:
    void markChanged();

    QString m_path;
    bool m_hasState = false;
    QUrl m_url;
    Dialect m_dialect = Dialect::Native;
    QString m_epoch;
    quint64 m_lastSequence = 0;
    QJsonObject m_model;

    QPointer<SessionClient> m_client;
    QTimer m_timer;
    std::chrono::milliseconds m_minimumInterval {1000};
    std::chrono::milliseconds m_lastSaveTime {0};
    bool m_dirty = false;
    int m_saves = 0;
};

} // namespace inkstream::core
