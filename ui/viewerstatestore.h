#pragma once

#include "core/protocol/dialectdecoder.h"

#include <QList>
#include <QMetaObject>
#include <QObject>
#include <QString>
#include <QUrl>
#include <chrono>
#include <memory>

namespace inkstream::core {
class SessionClient;
class SessionModel;
class ViewerState;
} // namespace inkstream::core

namespace inkstream::ui {

// The window's memory of the sessions it follows: one core::ViewerState file per session URL in
// directory(), named after the session and a hash of its normalised URL. restore() puts what a
// file holds into the model before any network, so a reopened session shows at once and the
// client resumes after the saved sequence; follow() keeps the file up to date (at most once a
// second while events arrive) and stop() saves it once more.
//
// Only native streams are kept: a foreign dialect numbers its events locally, so its state
// could not be resumed. The window does not use it for the local demo (a fresh session each
// time) nor for chat endpoints (openai, chat-text: each reply is a new request).
class ViewerStateStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ViewerStateStore)

public:
    explicit ViewerStateStore(QObject *parent = nullptr);
    ~ViewerStateStore() override; // saves what is followed, if it changed since the last save

    // $XDG_STATE_HOME/inkstream/viewer, or ~/.local/state/inkstream/viewer when it is unset.
    static QString directory();
    // The file kept for `sessionUrl`: "ID-HASH.json", HASH from the URL without trailing slash
    // and with its path segments normalised, so both spellings share one file.
    static QString pathFor(const QUrl &sessionUrl);

    // Loads the state kept for `url` into `model`. False when there is none, or when it cannot
    // be used (unreadable, written for another URL or dialect, malformed): that is logged as a
    // warning and the model is left as it was; the next save replaces the file.
    bool restore(const QUrl &url, core::SessionModel *model);
    // Of what restore() put into the model.
    quint64 restoredSequence() const { return m_restoredSequence; }
    QString restoredEpoch() const { return m_restoredEpoch; }
    core::Dialect restoredDialect() const { return m_restoredDialect; } // Native or Auto

    // Keeps `client`'s state (its model, sequence and history) in the file of its session URL
    // from now on. It stops by itself when the client follows another URL, and removes the file
    // when the stream turns out to be in a foreign dialect. Not owned; must outlive this object.
    void follow(core::SessionClient *client);
    bool isFollowing() const;
    // Saves now if anything changed since the last save (on close); goes on following.
    void saveNow();
    // saveNow(), then stops following.
    void stop();
    QString path() const; // of the file followed; empty when none
    int saves() const; // by the current follow()

    // Files not written for this long are removed when the window starts following a session,
    // and only the newest kMaxFiles are kept.
    static constexpr std::chrono::hours kMaxAge {24 * 30};
    static constexpr int kMaxFiles = 64;

private:
    void forget(const QString &why);
    void prune() const;

    std::unique_ptr<core::ViewerState> m_state;
    core::SessionClient *m_client = nullptr;
    QUrl m_url;
    QList<QMetaObject::Connection> m_connections;
    quint64 m_restoredSequence = 0;
    QString m_restoredEpoch;
    core::Dialect m_restoredDialect = core::Dialect::Auto;
    bool m_pruned = false;
};

} // namespace inkstream::ui
