#pragma once

#include "core/client/sessionclient.h"
#include "core/client/streamrequest.h"
#include "core/protocol/dialectdecoder.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QList>
#include <QString>
#include <QUrl>
#include <chrono>
#include <optional>
#include <utility>

namespace inkstream::app {

// What `inkstream watch` was asked to do, as its command line said it.
struct WatchOptions
{
    QUrl url;
    QString outputDir;
    std::optional<std::chrono::milliseconds> idleAfter; // --until idle:N; empty = complete
    std::optional<std::chrono::milliseconds> timeout;
    QDeadlineTimer deadline {QDeadlineTimer::Forever}; // --timeout, from when it was read
    qsizetype maxFiles = 10000; // files one session may name
    qint64 maxOutput = qint64(1) << 30; // bytes written under outputDir, rewrites included
    QString summaryPath; // "-" = stdout, empty = none
    int maxAttempts = 5;
    std::optional<std::chrono::milliseconds> backoffBase; // set: overrides the server's retry:
    std::chrono::milliseconds backoffCap {30000};
    std::chrono::milliseconds heartbeatTimeout {45000}; // 0 disables
    qsizetype maxEventSize = 1024 * 1024;
    core::SessionClient::TransportMode transport = core::SessionClient::TransportMode::Auto;
    std::chrono::milliseconds pollInterval {1000};
    QString recordPath; // --record FILE; empty = none
    QString statePath; // --state FILE; empty = none
    core::Dialect dialect = core::Dialect::Auto;
    core::StreamRequest request; // method, body, headers (a bearer token among them)
    bool quiet = false; // -q: no progress line
};

} // namespace inkstream::app
