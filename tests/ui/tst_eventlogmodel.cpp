#include "core/protocol/eventcodec.h"
#include "ui/eventlogmodel.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace inkstream;
using namespace inkstream::ui;

namespace {

core::Event codeDelta(quint64 sequence, const QString &delta)
{
    core::CodeEvent code;
    code.type = core::CodeEvent::Type::Delta;
    code.fileName = QStringLiteral("src/app.py");
    code.delta = delta;
    core::Event event;
    event.sequence = sequence;
    event.sessionId = QStringLiteral("s1");
    event.payload = code;
    return event;
}

} // namespace

class TestEventLogModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Each row shows the event as it came: its sequence, name, size and JSON, written when shown.
    void aRow_showsTheEventAsJson()
    {
        EventLogModel log;
        const core::Event event = codeDelta(7, QStringLiteral("print('caf\u00e9')\n"));
        log.append(event, 120);
        QCOMPARE(log.rowCount(), 1);
        QCOMPARE(log.data(log.index(0, EventLogModel::SequenceColumn)).toString(), u"7");
        QCOMPARE(log.data(log.index(0, EventLogModel::NameColumn)).toString(), u"code");
        const QString json = QString::fromUtf8(core::EventCodec::encodeJson(event));
        QCOMPARE(log.data(log.index(0, EventLogModel::JsonColumn), Qt::ToolTipRole).toString(),
                 json);
        const QJsonObject line
            = QJsonDocument::fromJson(log.rowsAsJsonLines({0}).toUtf8()).object();
        QCOMPARE(line.value(u"seq").toInt(), 7);
        QCOMPARE(line.value(u"event").toString(), u"code");
        QCOMPARE(line.value(u"bytes").toInt(), 120);
        QCOMPARE(line.value(u"data").toObject(), QJsonDocument::fromJson(json.toUtf8()).object());
        QCOMPARE(log.totalEvents(), 1);
    }

    // At most capacity() rows; the oldest go an eighth at a time (one removal per event moved
    // every row of the console's view on every event of a long session).
    void pastItsCapacity_theOldestGo_inBatches()
    {
        EventLogModel log;
        log.setCapacity(800);
        QSignalSpy removed(&log, &QAbstractItemModel::rowsRemoved);
        for (int i = 1; i <= 5000; ++i)
            log.append(codeDelta(quint64(i), QStringLiteral("x")), 60);
        QVERIFY(log.rowCount() <= 800);
        QVERIFY(log.rowCount() >= 700);
        QCOMPARE(log.data(log.index(log.rowCount() - 1, EventLogModel::SequenceColumn)).toString(),
                 u"5000"); // the newest stay
        QVERIFY2(removed.count() <= 5000 / 100 + 1, qPrintable(QString::number(removed.count())));
        QCOMPARE(log.totalEvents(), 5000);
    }

    // Big events (a catch-up's kilobytes each) are held up to kMaxHeldBytes, not capacity() of
    // them: ten thousand of them held 45 MB.
    void bigEvents_areHeldUpToABudget()
    {
        EventLogModel log;
        const QString delta(4000, u'y');
        const qsizetype wireBytes = 4100;
        const int events = int(3 * EventLogModel::kMaxHeldBytes / wireBytes);
        for (int i = 1; i <= events; ++i)
            log.append(codeDelta(quint64(i), delta), wireBytes);
        QVERIFY(log.heldBytes() <= EventLogModel::kMaxHeldBytes);
        QCOMPARE(log.heldBytes(), log.rowCount() * wireBytes);
        QVERIFY(log.rowCount() < log.capacity());
        QVERIFY(log.heldBytes() > EventLogModel::kMaxHeldBytes / 2);
        QCOMPARE(log.data(log.index(log.rowCount() - 1, EventLogModel::SequenceColumn)).toString(),
                 QString::number(events));
        log.clear();
        QCOMPARE(log.heldBytes(), 0);
        QCOMPARE(log.rowCount(), 0);
    }
};

QTEST_MAIN(TestEventLogModel)
#include "tst_eventlogmodel.moc"
