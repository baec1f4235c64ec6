#include "core/server/accesspolicy.h"
#include "core/server/connectionlimiter.h"
#include "core/server/servermetrics.h"

#include <QDeadlineTimer>
#include <QTest>

using namespace inkstream::core;

// The small policies behind the publisher's guards, without a network.
class TestAccessPolicy final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void check_data()
    {
        QTest::addColumn<QByteArray>("presented");
        QTest::addColumn<int>("need");
        QTest::addColumn<int>("verdict");
        using N = AccessPolicy::Need;
        using V = AccessPolicy::Verdict;
        QTest::newRow("nothing needed") << QByteArray() << int(N::Nothing) << int(V::Allowed);
        QTest::newRow("missing") << QByteArray() << int(N::Read) << int(V::MissingToken);
        QTest::newRow("publish token reads")
            << QByteArray("pub-token") << int(N::Read) << int(V::Allowed);
        QTest::newRow("publish token publishes")
            << QByteArray("pub-token") << int(N::Publish) << int(V::Allowed);
        QTest::newRow("read token reads")
            << QByteArray("read-token") << int(N::Read) << int(V::Allowed);
        QTest::newRow("read token cannot publish")
            << QByteArray("read-token") << int(N::Publish) << int(V::WrongToken);
        QTest::newRow("longer") << QByteArray("pub-token-x") << int(N::Read) << int(V::WrongToken);
        QTest::newRow("shorter") << QByteArray("pub-toke") << int(N::Read) << int(V::WrongToken);
        QTest::newRow("same length, one byte off")
            << QByteArray("pub-tokeN") << int(N::Read) << int(V::WrongToken);
    }
    void check()
    {
        QFETCH(QByteArray, presented);
        QFETCH(int, need);
        QFETCH(int, verdict);
        AccessPolicy policy;
        policy.setPublishToken("pub-token");
        policy.setReadToken("read-token");
        QCOMPARE(int(policy.check(presented, AccessPolicy::Need(need))), verdict);
    }

    void noTokens_allowsEverythingButOnlyOnLoopback()
    {
        AccessPolicy policy;
        QCOMPARE(policy.check({}, AccessPolicy::Need::Publish), AccessPolicy::Verdict::Allowed);
        QString reason;
        QVERIFY(policy.allowsListeningOn(QHostAddress::LocalHost, &reason));
        QVERIFY(policy.allowsListeningOn(QHostAddress::LocalHostIPv6, &reason));
        QVERIFY(!policy.allowsListeningOn(QHostAddress::Any, &reason));
        QVERIFY(reason.contains(QStringLiteral("--token")));
        policy.setPublishToken("t");
        QVERIFY(policy.allowsListeningOn(QHostAddress::Any, &reason));
    }

    void presentedToken_headerOrQuery_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QString>("query");
        QTest::addColumn<QByteArray>("token");
        QTest::newRow("bearer") << QByteArray("Bearer abc") << QString() << QByteArray("abc");
        QTest::newRow("scheme is case-insensitive")
            << QByteArray("bearer abc") << QString() << QByteArray("abc");
        QTest::newRow("header wins")
            << QByteArray("Bearer abc") << "token=xyz" << QByteArray("abc");
        QTest::newRow("query, percent-encoded")
            << QByteArray() << "a=1&token=x%2By" << QByteArray("x+y");
        QTest::newRow("basic is not a token")
            << QByteArray("Basic abc") << QString() << QByteArray();
        QTest::newRow("nothing") << QByteArray() << QString() << QByteArray();
    }
    void presentedToken_headerOrQuery()
    {
        QFETCH(QByteArray, header);
        QFETCH(QString, query);
        QFETCH(QByteArray, token);
        QCOMPARE(AccessPolicy::presentedToken(header, query), token);
    }

    void limiter_capsOpenConnectionsPerAddress()
    {
        ConnectionLimiter limiter;
        limiter.setMaxOpenPerAddress(2);
        const QHostAddress a(QStringLiteral("10.0.0.1"));
        const QHostAddress mappedA(QStringLiteral("::ffff:10.0.0.1"));
        const QHostAddress b(QStringLiteral("10.0.0.2"));
        QCOMPARE(limiter.admit(a), ConnectionLimiter::Verdict::Allowed);
        QCOMPARE(limiter.admit(mappedA), ConnectionLimiter::Verdict::Allowed); // the same client
        QCOMPARE(limiter.admit(a), ConnectionLimiter::Verdict::TooManyOpen);
        QCOMPARE(limiter.admit(b), ConnectionLimiter::Verdict::Allowed);
        limiter.release(a);
        QCOMPARE(limiter.openConnections(a), 1);
        QCOMPARE(limiter.admit(a), ConnectionLimiter::Verdict::Allowed);
        limiter.release(a);
        limiter.release(a);
        limiter.release(b);
        QCOMPARE(limiter.trackedAddresses(), 0); // nothing kept for addresses that left
    }

    void limiter_capsNewConnectionsPerSecond()
    {
        ConnectionLimiter limiter;
        limiter.setMaxNewPerSecond(5);
        const QHostAddress a(QStringLiteral("10.0.0.1"));
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(limiter.admit(a), ConnectionLimiter::Verdict::Allowed);
            limiter.release(a);
        }
        QCOMPARE(limiter.admit(a), ConnectionLimiter::Verdict::TooFast);
        // 5 per second: one token every 200 ms. (A plain loop: QTRY_* would admit once more
        // after it succeeded.)
        QDeadlineTimer deadline(2000);
        ConnectionLimiter::Verdict verdict = ConnectionLimiter::Verdict::TooFast;
        while ((verdict = limiter.admit(a)) != ConnectionLimiter::Verdict::Allowed
               && !deadline.hasExpired())
            QTest::qWait(20);
        QCOMPARE(verdict, ConnectionLimiter::Verdict::Allowed);
    }

    void routeOf_keepsLabelsBounded_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("route");
        QTest::newRow("stream") << "/api/sessions/abc/stream"
                                << "/api/sessions/{id}/stream";
        QTest::newRow("session") << "/api/sessions/abc"
                                 << "/api/sessions/{id}";
        QTest::newRow("list") << "/api/sessions"
                              << "/api/sessions";
        QTest::newRow("viewer") << "/view/abc"
                                << "/view/{id}";
        QTest::newRow("unknown action") << "/api/sessions/abc/whatever"
                                        << "other";
        QTest::newRow("junk") << "/wp-login.php"
                              << "other";
    }
    void routeOf_keepsLabelsBounded()
    {
        QFETCH(QString, path);
        QFETCH(QString, route);
        QCOMPARE(ServerMetrics::routeOf(path), route);
    }
};

QTEST_GUILESS_MAIN(TestAccessPolicy)
#include "tst_accesspolicy.moc"
