#pragma once

#include "core/client/connectionstate.h"

#include <QString>
#include <QTest>

namespace inkstream::test {

// The rows every HTTP transport shares for a session the server refuses: the status it answers
// with, the state the client ends in and how its error starts. The caller adds the three columns
// (int, core::ConnectionState, QString), named as its test reads them, then its own rows.
inline void addRefusedSessionRows()
{
    QTest::newRow("404 is no such session")
        << 404 << core::ConnectionState::Error << QStringLiteral("no such session (HTTP 404");
    QTest::newRow("401 is an auth error") << 401 << core::ConnectionState::Error
                                          << QStringLiteral("authentication required (HTTP 401");
    QTest::newRow("403 is an auth error")
        << 403 << core::ConnectionState::Error << QStringLiteral("access denied (HTTP 403");
}

} // namespace inkstream::test
