#include "core/server/session.h"
#include "core/server/sessionhub.h"

#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace inkstream::core;

class TestSessionHub final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createSession_withoutId_picksARandomUrlSafeOne()
    {
        SessionHub hub;
        QSignalSpy created(&hub, &SessionHub::sessionCreated);
        Session *a = hub.createSession();
        Session *b = hub.createSession();
        QVERIFY(a && b);
        QVERIFY(a->id() != b->id());
        QVERIFY(SessionHub::isValidSessionId(a->id()));
        QCOMPARE(hub.session(a->id()), a);
        QCOMPARE(hub.sessions(), (QList<Session *> {a, b}));
        QCOMPARE(created.count(), 2);
    }

    void createSession_withId_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("letters, digits, - and _") << QStringLiteral("demo-1_A") << true;
        QTest::newRow("64 characters") << QString(64, u'a') << true;
        QTest::newRow("65 characters") << QString(65, u'a') << false;
        QTest::newRow("space") << QStringLiteral("a b") << false;
        QTest::newRow("slash") << QStringLiteral("a/b") << false;
        QTest::newRow("dot") << QStringLiteral("a.b") << false;
        QTest::newRow("non-ASCII") << QStringLiteral("sesión") << false;
    }

    void createSession_withId()
    {
        QFETCH(QString, id);
        QFETCH(bool, accepted);
        SessionHub hub;
        if (!accepted)
            QTest::ignoreMessage(QtWarningMsg,
                                 QRegularExpression(QStringLiteral("refusing session id")));
        Session *session = hub.createSession(id);
        QCOMPARE(session != nullptr, accepted);
        QCOMPARE(SessionHub::isValidSessionId(id), accepted);
    }

    void createSession_takenId_isRefused()
    {
        SessionHub hub;
        QVERIFY(hub.createSession(QStringLiteral("s1")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exists already")));
        QVERIFY(!hub.createSession(QStringLiteral("s1")));
        QCOMPARE(hub.sessions().size(), 1);
        QVERIFY(!hub.session(QStringLiteral("other")));
    }

    void generateId_isUrlSafeAndDistinct()
    {
        QSet<QString> seen;
        for (int i = 0; i < 1000; ++i) {
            const QString id = SessionHub::generateId();
            QCOMPARE(id.size(), 16);
            QVERIFY(SessionHub::isValidSessionId(id));
            seen.insert(id);
        }
        QCOMPARE(seen.size(), 1000);
    }
};

QTEST_GUILESS_MAIN(TestSessionHub)
#include "tst_sessionhub.moc"
