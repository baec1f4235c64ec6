#include "core/protocol/sseparser.h"
#include "core/protocol/ssewriter.h"

#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTest>

using namespace inkstream::core;

Q_DECLARE_METATYPE(inkstream::core::SseEvent)

namespace {

enum class Split { Whole, OneByte, Random };

SseEvent ev(const QByteArray &data, const QByteArray &type = "message", const QByteArray &id = {})
{
    return SseEvent {type, data, id};
}

QByteArray printable(const QByteArray &bytes)
{
    QByteArray out;
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7F && c != '\\')
            out += c;
        else
            out += "\\x" + QByteArray::number(u, 16).rightJustified(2, '0');
    }
    return out;
}

QStringList describe(const QList<SseEvent> &events)
{
    QStringList out;
    for (const SseEvent &e : events) {
        out << QString::fromLatin1("type=" + printable(e.type) + " data=" + printable(e.data)
                                   + " id=" + printable(e.lastEventId));
    }
    return out;
}

struct Run
{
    QList<SseEvent> events;
    QStringList errors;
    QByteArray lastEventId;
    qint64 retry = -1;
    qsizetype maxBuffered = 0;
};

// Feeds `input` whole, one byte at a time, or at pseudo-random split points (seeded, so a
// failure reproduces), and collects what the parser reports.
Run parse(const QByteArray &input, Split split, quint32 seed = 1, qsizetype maxEventSize = 0)
{
    Run run;
    SseParser parser;
    if (maxEventSize > 0)
        parser.setMaxEventSize(maxEventSize);
    parser.setEventHandler([&run](const SseEvent &event) { run.events << event; });
    parser.setErrorHandler([&run](const QString &message) { run.errors << message; });
    QRandomGenerator random(seed);
    qsizetype offset = 0;
    while (offset < input.size()) {
        qsizetype length = input.size() - offset;
        if (split == Split::OneByte)
            length = 1;
        else if (split == Split::Random)
            length = std::min<qsizetype>(length, random.bounded(0, 9));
        parser.feed(QByteArrayView(input).sliced(offset, length));
        offset += length;
        run.maxBuffered = std::max(run.maxBuffered, parser.bufferedBytes());
    }
    run.lastEventId = parser.lastEventId();
    run.retry = parser.retry();
    return run;
}

// Silences the parser's warnings for the tests that count drops through the error handler.
struct QuietDropWarnings
{
    QuietDropWarnings()
    {
        QLoggingCategory::setFilterRules(QStringLiteral("inkstream.protocol.warning=false"));
    }
    ~QuietDropWarnings() { QLoggingCategory::setFilterRules(QString()); }
    Q_DISABLE_COPY_MOVE(QuietDropWarnings)
};

// A literal with embedded NULs, whole.
template<std::size_t N> QByteArray bytes(const char (&text)[N])
{
    return QByteArray(text, N - 1);
}

QByteArray fffd()
{
    return "\xEF\xBF\xBD";
}

// A deliberately naive reading of the spec, used as an oracle: decode the whole stream with
// the Encoding standard's UTF-8 decoder (written out as in the standard), then split lines
// and interpret fields exactly as the HTML standard words them.
QString referenceUtf8Decode(const QByteArray &bytes)
{
    QString out;
    char32_t codePoint = 0;
    int bytesSeen = 0;
    int bytesNeeded = 0;
    unsigned lower = 0x80;
    unsigned upper = 0xBF;
    // Not QString::fromUcs4: its UTF-32 decoder swallows U+FEFF as a byte order mark.
    auto emit = [&out](char32_t c) {
        if (QChar::requiresSurrogates(c)) {
            out += QChar(QChar::highSurrogate(c));
            out += QChar(QChar::lowSurrogate(c));
        } else {
            out += QChar(char16_t(c));
        }
    };
    for (qsizetype i = 0; i <= bytes.size(); ++i) {
        if (i == bytes.size()) {
            if (bytesNeeded != 0)
                emit(0xFFFD);
            break;
        }
        const unsigned byte = static_cast<unsigned char>(bytes[i]);
        if (bytesNeeded == 0) {
            if (byte <= 0x7F) {
                emit(byte);
            } else if (byte >= 0xC2 && byte <= 0xDF) {
                bytesNeeded = 1;
                codePoint = byte & 0x1F;
            } else if (byte >= 0xE0 && byte <= 0xEF) {
                if (byte == 0xE0)
                    lower = 0xA0;
                if (byte == 0xED)
                    upper = 0x9F;
                bytesNeeded = 2;
                codePoint = byte & 0xF;
            } else if (byte >= 0xF0 && byte <= 0xF4) {
                if (byte == 0xF0)
                    lower = 0x90;
                if (byte == 0xF4)
                    upper = 0x8F;
                bytesNeeded = 3;
                codePoint = byte & 0x7;
            } else {
                emit(0xFFFD);
            }
            continue;
        }
        if (byte < lower || byte > upper) {
            codePoint = 0;
            bytesNeeded = 0;
            bytesSeen = 0;
            lower = 0x80;
            upper = 0xBF;
            emit(0xFFFD);
            --i; // prepend the byte to the stream
            continue;
        }
        lower = 0x80;
        upper = 0xBF;
        codePoint = (codePoint << 6) | (byte & 0x3F);
        if (++bytesSeen != bytesNeeded)
            continue;
        emit(codePoint);
        codePoint = 0;
        bytesNeeded = 0;
        bytesSeen = 0;
    }
    return out;
}

QList<SseEvent> referenceParse(QByteArray stream, QByteArray *lastEventIdOut, qint64 *retryOut)
{
    if (stream.startsWith("\xEF\xBB\xBF"))
        stream.remove(0, 3);
    const QString text = referenceUtf8Decode(stream);
    QList<SseEvent> events;
    QString data;
    QString type;
    QString idBuffer;
    QString lastEventId;
    qint64 retry = -1;
    qsizetype pos = 0;
    while (true) {
        qsizetype end = pos;
        while (end < text.size() && text[end] != u'\r' && text[end] != u'\n')
            ++end;
        if (end == text.size())
            break; // an unterminated line is never processed
        const QString line = text.mid(pos, end - pos);
        pos = end + 1;
        if (text[end] == u'\r' && pos < text.size() && text[pos] == u'\n')
            ++pos;
        if (line.isEmpty()) {
            lastEventId = idBuffer;
            if (data.isEmpty()) {
                type.clear();
                continue;
            }
            if (data.endsWith(u'\n'))
                data.chop(1);
            events << SseEvent {type.isEmpty() ? QByteArray("message") : type.toUtf8(),
                                data.toUtf8(), lastEventId.toUtf8()};
            data.clear();
            type.clear();
            continue;
        }
        if (line.startsWith(u':'))
            continue;
        QString field = line;
        QString value;
        if (const qsizetype colon = line.indexOf(u':'); colon >= 0) {
            field = line.left(colon);
            value = line.mid(colon + 1);
            if (value.startsWith(u' '))
                value.remove(0, 1);
        }
        if (field == u"event") {
            type = value;
        } else if (field == u"data") {
            data += value + u'\n';
        } else if (field == u"id") {
            if (!value.contains(QChar(0)))
                idBuffer = value;
        } else if (field == u"retry") {
            bool digits = !value.isEmpty();
            for (const QChar c : value)
                digits = digits && c >= u'0' && c <= u'9';
            if (digits)
                retry = value.toLongLong();
        }
    }
    *lastEventIdOut = lastEventId.toUtf8();
    *retryOut = retry;
    return events;
}

} // namespace

class TestSseParser final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Every test below runs once per way of splitting the bytes into feeds.
    void initTestCase_data()
    {
        QTest::addColumn<Split>("split");
        QTest::newRow("whole") << Split::Whole;
        QTest::newRow("one byte at a time") << Split::OneByte;
        QTest::newRow("random splits") << Split::Random;
    }

    void spec_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QList<SseEvent>>("expected");
        QTest::addColumn<QByteArray>("lastEventId");
        QTest::addColumn<qint64>("retry");

        auto row = [](const char *name, const QByteArray &input, const QList<SseEvent> &expected,
                      const QByteArray &lastEventId = {}, qint64 retry = -1) {
            QTest::newRow(name) << input << expected << lastEventId << retry;
        };

        // Fields and values.
        row("single data line", "data: hello\n\n", {ev("hello")});
        row("no space after colon", "data:hello\n\n", {ev("hello")});
        row("only one leading space stripped", "data:  two\n\n", {ev(" two")});
        row("tab after colon kept", "data:\tx\n\n", {ev("\tx")});
        row("trailing space kept", "data: x \n\n", {ev("x ")});
        row("colons inside value kept", "data: a:b: c\n\n", {ev("a:b: c")});
        row("data lines joined with LF", "data: YHOO\ndata: +2\ndata: 10\n\n",
            {ev("YHOO\n+2\n10")});
        row("only the last LF stripped", "data: a\ndata:\n\n", {ev("a\n")});
        row("spec example: empty data and a lone newline",
            "data\n\ndata\ndata\n\ndata:", {ev(""), ev("\n")});
        row("spec example: space after colon is optional", "data:test\n\ndata: test\n\n",
            {ev("test"), ev("test")});
        row("spec example: comment, ids and a leading space kept",
            ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\n"
            "data:  third event\n\n",
            {ev("first event", "message", "1"), ev("second event", "message", ""),
             ev(" third event", "message", "")});
        row("spec example: the end of the stream does not dispatch",
            "data: first event\nid: 1\n\ndata:  third event\n", {ev("first event", "message", "1")},
            "1");
        row("leading space makes an unknown field", " data: x\n\n", {});
        row("field name is case-sensitive", "DATA: y\nData: z\ndata: x\n\n", {ev("x")});
        row("field name with trailing space is unknown", "data : x\n\n", {});
        row("unknown fields ignored", "foo: bar\nfoo\ndata: x\nbar:\n\n", {ev("x")});
        row("NUL inside data kept", bytes("data: a\0b\n\n"), {ev(bytes("a\0b"))});

        // Event types.
        row("event type", "event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\n",
            {ev("73857293", "add"), ev("2153", "remove")});
        row("event type resets after dispatch", "event: a\ndata: 1\n\ndata: 2\n\n",
            {ev("1", "a"), ev("2")});
        row("event type without data is discarded", "event: a\n\ndata: 2\n\n", {ev("2")});
        row("empty event field means message", "event:\ndata: x\n\n", {ev("x")});
        row("event field without colon means message", "event\ndata: x\n\n", {ev("x")});
        row("last event field wins", "event: a\nevent: b\ndata: x\n\n", {ev("x", "b")});
        row("same event type repeated", "event: code\ndata: 1\n\nevent: code\ndata: 2\n\n",
            {ev("1", "code"), ev("2", "code")});

        // Comments and blank lines.
        row("comments ignored", ": comment\ndata: x\n:another\n\n", {ev("x")});
        row("comment-only blocks dispatch nothing", ": ping\n\n:\n\n", {});
        row("comment with colon inside", ": a: b\ndata: x\n\n", {ev("x")});
        row("leading blank lines", "\n\n\ndata: x\n\n", {ev("x")});
        row("blank line without data dispatches nothing", "\n\n", {});

        // Line ends.
        row("CR line ends", "data: a\r\rdata: b\r\r", {ev("a"), ev("b")});
        row("CRLF line ends", "data: a\r\n\r\ndata: b\r\n\r\n", {ev("a"), ev("b")});
        row("mixed line ends", "data: a\rdata: b\ndata: c\r\n\n", {ev("a\nb\nc")});
        row("CR CR LF is two line ends", "data: a\r\r\ndata: b\n\n", {ev("a"), ev("b")});
        row("LF CR is two line ends", "data: a\n\rdata: b\n\n", {ev("a"), ev("b")});
        row("CRLF then CR", "data: a\r\n\rdata: b\n\n", {ev("a"), ev("b")});

        // Last event ID.
        row("id is reported", "id: 42\ndata: x\n\n", {ev("x", "message", "42")}, "42");
        row("id after data in the same event", "data: a\nid: 3\n\n", {ev("a", "message", "3")},
            "3");
        row("id persists across events", "id: 1\ndata: a\n\ndata: b\n\n",
            {ev("a", "message", "1"), ev("b", "message", "1")}, "1");
        row("id with NUL ignored", bytes("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"),
            {ev("a", "message", "1"), ev("b", "message", "1")}, "1");
        row("empty id resets", "id: 1\ndata: a\n\nid\ndata: b\n\n",
            {ev("a", "message", "1"), ev("b", "message", "")}, "");
        row("id: with nothing resets", "id: 1\ndata: a\n\nid:\ndata: b\n\n",
            {ev("a", "message", "1"), ev("b", "message", "")}, "");
        row("id keeps spaces after the first", "id:  7 \ndata: a\n\n", {ev("a", "message", " 7 ")},
            " 7 ");
        row("id without data still sets last event id", "id: 5\n\n", {}, "5");
        row("id of an unfinished event is not committed", "data: a\n\nid: 9\ndata: b\n", {ev("a")},
            "");
        row("id is any text", "id: abc-é\ndata: a\n\n", {ev("a", "message", "abc-é")}, "abc-é");

        // Retry.
        row("retry", "retry: 1500\n", {}, {}, 1500);
        row("retry without space", "retry:3000\n", {}, {}, 3000);
        row("retry zero", "retry: 0\n", {}, {}, 0);
        row("retry with non-digits ignored", "retry: 15s\nretry: -1\nretry: 1.5\nretry: +5\n", {},
            {}, -1);
        row("retry with two spaces ignored", "retry:  100\n", {}, {}, -1);
        row("retry empty ignored", "retry\nretry:\n", {}, {}, -1);
        row("last valid retry wins", "retry: 100\nretry: x\nretry: 200\nretry: y\n", {}, {}, 200);
        row("retry does not dispatch", "retry: 10\n\ndata: x\n\n", {ev("x")}, {}, 10);
        row("retry too large saturates", "retry: 99999999999999999999999\n", {}, {},
            std::numeric_limits<qint64>::max());

        // Byte order mark.
        row("BOM stripped",
            "\xEF\xBB\xBF"
            "data: x\n\n",
            {ev("x")});
        row("BOM stripped only once",
            "\xEF\xBB\xBF\xEF\xBB\xBF"
            "data: x\n\ndata: y\n\n",
            {ev("y")});
        row("BOM after the start is data",
            "data: a\n\n\xEF\xBB\xBF"
            "data: b\n\n",
            {ev("a")});
        row("BOM inside a value kept", "data: \xEF\xBB\xBFx\n\n", {ev("\xEF\xBB\xBFx")});
        row("partial BOM is not stripped",
            "\xEF\xBB"
            "data: x\n\ndata: y\n\n",
            {ev("y")});
        row("partial BOM then blank line", "\xEF\n\ndata: x\n\n", {ev("x")});
        row("BOM then CRLF", "\xEF\xBB\xBF\r\ndata: x\r\n\r\n", {ev("x")});

        // UTF-8 decoding: the Encoding standard's maximal-subpart replacement.
        row("multi-byte UTF-8", "data: é日🎉\n\n", {ev("é日🎉")});
        row("invalid byte replaced",
            "data: a\xFF"
            "b\n\n",
            {ev("a" + fffd() + "b")});
        row("lone continuation bytes", "data: \x80\xBF\n\n", {ev(fffd() + fffd())});
        row("truncated 3-byte sequence is one replacement", "data: \xE2\x82\n\n", {ev(fffd())});
        row("truncated 4-byte sequence is one replacement", "data: \xF0\x9F\x98x\n\n",
            {ev(fffd() + "x")});
        row("truncated then valid", "data: \xF0\x9F\x98\xF0\x9F\x98\x80\n\n",
            {ev(fffd() + "\xF0\x9F\x98\x80")});
        row("overlong 3-byte is three replacements", "data: \xE0\x80\x80\n\n",
            {ev(fffd() + fffd() + fffd())});
        row("overlong 2-byte is two replacements", "data: \xC0\xAF\n\n", {ev(fffd() + fffd())});
        row("surrogate is three replacements", "data: \xED\xA0\x80\n\n",
            {ev(fffd() + fffd() + fffd())});
        row("above U+10FFFF is four replacements", "data: \xF4\x90\x80\x80\n\n",
            {ev(fffd() + fffd() + fffd() + fffd())});
        row("five-byte form is five replacements", "data: \xF8\x88\x80\x80\x80\n\n",
            {ev(fffd() + fffd() + fffd() + fffd() + fffd())});
        row("largest code points valid", "data: \xF4\x8F\xBF\xBF\xEF\xBF\xBF\xED\x9F\xBF\n\n",
            {ev("\xF4\x8F\xBF\xBF\xEF\xBF\xBF\xED\x9F\xBF")});
        row("sequence cut by a line end", "data: \xE2\x82\ndata: \xAC\n\n",
            {ev(fffd() + "\n" + fffd())});
        row("invalid UTF-8 in event type", "event: \xFF\ndata: x\n\n", {ev("x", fffd())});
        row("invalid UTF-8 in id", "id: \xFF\ndata: x\n\n", {ev("x", "message", fffd())}, fffd());
        row("invalid UTF-8 in field name", "da\xFFta: x\n\n", {});
        row("long ASCII then invalid", "data: " + QByteArray(40, 'a') + "\xC3\n\n",
            {ev(QByteArray(40, 'a') + fffd())});

        // End of stream.
        row("unfinished event not dispatched", "data: x\n", {});
        row("unfinished line not dispatched", "data: x", {});
        row("unfinished after CR not dispatched", "data: x\r", {});
        row("long event", "data: " + QByteArray(100000, 'z') + "\n\n",
            {ev(QByteArray(100000, 'z'))});
    }

    void spec()
    {
        QFETCH_GLOBAL(Split, split);
        QFETCH(QByteArray, input);
        QFETCH(QList<SseEvent>, expected);
        QFETCH(QByteArray, lastEventId);
        QFETCH(qint64, retry);

        for (quint32 seed = 1; seed <= (split == Split::Random ? 20u : 1u); ++seed) {
            const Run run = parse(input, split, seed);
            QCOMPARE(describe(run.events), describe(expected));
            QCOMPARE(run.events, expected);
            QCOMPARE(printable(run.lastEventId), printable(lastEventId));
            QCOMPARE(run.retry, retry);
            QCOMPARE(run.errors, QStringList());
        }
    }

    void randomStreams_matchReferenceParser()
    {
        QFETCH_GLOBAL(Split, split);
        // Tokens that meet every rule: line ends, fields, BOM bytes, broken UTF-8, NUL.
        const QList<QByteArray> tokens = {"data",
                                          "data:",
                                          "data: ",
                                          "id",
                                          "id: ",
                                          "event: ",
                                          "retry: ",
                                          "retry:",
                                          ":",
                                          " ",
                                          "\n",
                                          "\n",
                                          "\r",
                                          "\r\n",
                                          "\n\n",
                                          "x",
                                          "7",
                                          "\xEF\xBB\xBF",
                                          "\xEF",
                                          "\xE2\x82",
                                          "\xAC",
                                          "\xF0\x9F\x98\x80",
                                          "\xFF",
                                          "\xC3\xA9",
                                          QByteArray(1, '\0'),
                                          "message"};
        QRandomGenerator random(2024);
        for (int round = 0; round < 400; ++round) {
            QByteArray stream;
            const int length = random.bounded(1, 40);
            for (int i = 0; i < length; ++i)
                stream += tokens.at(random.bounded(int(tokens.size())));
            QByteArray expectedId;
            qint64 expectedRetry = -1;
            const QList<SseEvent> expected = referenceParse(stream, &expectedId, &expectedRetry);
            const Run run = parse(stream, split, quint32(round + 1));
            const QByteArray context = "stream: " + printable(stream);
            QVERIFY2(run.events == expected,
                     QByteArray(context + "\ngot: " + describe(run.events).join(u" | ").toUtf8()
                                + "\nexpected: " + describe(expected).join(u" | ").toUtf8())
                         .constData());
            QVERIFY2(run.lastEventId == expectedId, context.constData());
            QVERIFY2(run.retry == expectedRetry, context.constData());
        }
    }

    void maxEventSize_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QList<SseEvent>>("expected");
        QTest::addColumn<int>("errors");
        QTest::addColumn<QByteArray>("lastEventId");

        const QByteArray big(100, 'x');
        QTest::newRow("event at the limit is kept")
            << QByteArray("data: " + QByteArray(26, 'a') + "\n\n")
            << QList<SseEvent> {ev(QByteArray(26, 'a'))} << 0 << QByteArray();
        QTest::newRow("long data line dropped, stream goes on")
            << QByteArray("data: " + big + "\n\ndata: ok\n\n") << QList<SseEvent> {ev("ok")} << 1
            << QByteArray();
        QTest::newRow("many short data lines dropped")
            << QByteArray("data: 1234\ndata: 1234\ndata: 1234\ndata: 1234\ndata: 1234\ndata: 1234\n"
                          "\ndata: ok\n\n")
            << QList<SseEvent> {ev("ok")} << 1 << QByteArray();
        QTest::newRow("lines after the overflow skipped to the blank line")
            << QByteArray("data: " + big + "\nevent: x\ndata: y\nid: 9\n\ndata: z\n\n")
            << QList<SseEvent> {ev("z")} << 1 << QByteArray();
        QTest::newRow("id read before the overflow counts")
            << QByteArray("id: 7\ndata: " + big + "\n\ndata: z\n\n")
            << QList<SseEvent> {ev("z", "message", "7")} << 1 << QByteArray("7");
        QTest::newRow("long comment is not an overflow")
            << QByteArray(": " + big + big + "\ndata: ok\n\n") << QList<SseEvent> {ev("ok")} << 0
            << QByteArray();
        QTest::newRow("two oversized events, two errors")
            << QByteArray("data: " + big + "\n\ndata: " + big + "\n\ndata: ok\n\n")
            << QList<SseEvent> {ev("ok")} << 2 << QByteArray();
        QTest::newRow("oversized unfinished line")
            << QByteArray("event: " + big) << QList<SseEvent> {} << 1 << QByteArray();
    }

    void maxEventSize()
    {
        QFETCH_GLOBAL(Split, split);
        QFETCH(QByteArray, input);
        QFETCH(QList<SseEvent>, expected);
        QFETCH(int, errors);
        QFETCH(QByteArray, lastEventId);

        const QuietDropWarnings quiet; // counted through the error handler instead
        for (quint32 seed = 1; seed <= (split == Split::Random ? 5u : 1u); ++seed) {
            const Run run = parse(input, split, seed, 32);
            QCOMPARE(describe(run.events), describe(expected));
            QCOMPARE(run.errors.size(), errors);
            QCOMPARE(run.lastEventId, lastEventId);
            QVERIFY2(run.maxBuffered <= 32 + 8, QByteArray::number(run.maxBuffered));
        }
    }

    void endlessLine_memoryStaysBounded_data()
    {
        QTest::addColumn<QByteArray>("prefix");
        QTest::addColumn<int>("errors");
        QTest::newRow("endless data line") << QByteArray("data: ") << 1;
        QTest::newRow("endless comment line") << QByteArray(": ") << 0;
    }

    void endlessLine_memoryStaysBounded()
    {
        QFETCH(QByteArray, prefix);
        QFETCH(int, errors);
        SseParser parser;
        parser.setMaxEventSize(64 * 1024);
        int errorCount = 0;
        int eventCount = 0;
        parser.setErrorHandler([&errorCount](const QString &) { ++errorCount; });
        parser.setEventHandler([&eventCount](const SseEvent &) { ++eventCount; });
        const QuietDropWarnings quiet;
        parser.feed(prefix);
        const QByteArray chunk(16 * 1024, 'y');
        qsizetype maxBuffered = 0;
        for (int i = 0; i < 640; ++i) { // 10 MiB without a line end
            parser.feed(chunk);
            maxBuffered = std::max(maxBuffered, parser.bufferedBytes());
        }
        QVERIFY2(maxBuffered <= 64 * 1024, QByteArray::number(maxBuffered));
        parser.feed("\n\ndata: after\n\n");
        QCOMPARE(errorCount, errors);
        QCOMPARE(eventCount, 1);
    }

    void crAtFeedEnd_thenLf_isOneLineEnd()
    {
        SseParser parser;
        QList<SseEvent> events;
        parser.setEventHandler([&events](const SseEvent &event) { events << event; });
        for (const QByteArray &feed :
             {QByteArray("data: a\r"), QByteArray(), QByteArray("\n"), QByteArray("data: b\r"),
              QByteArray("\ndata: c\r"), QByteArray("\n\r"), QByteArray("\n")}) {
            parser.feed(feed);
        }
        QCOMPARE(describe(events), describe({ev("a\nb\nc")}));
    }

    void reset_keepsLastEventIdAndDropsPartialEvent()
    {
        SseParser parser;
        QList<SseEvent> events;
        parser.setEventHandler([&events](const SseEvent &event) { events << event; });
        parser.feed("retry: 500\nid: 3\ndata: a\n\nid: 4\ndata: partial\ndata: li");
        parser.reset();
        QCOMPARE(parser.lastEventId(), QByteArray("3"));
        QCOMPARE(parser.retry(), 500);
        // A new connection may start with its own BOM; the id buffer restarts from "3".
        parser.feed("\xEF\xBB\xBF"
                    "ne\n\ndata: b\n\n");
        QCOMPARE(describe(events), describe({ev("a", "message", "3"), ev("b", "message", "3")}));
    }

    void reset_fromHandler_stopsTheCurrentFeed()
    {
        SseParser parser;
        QList<SseEvent> events;
        parser.setEventHandler([&](const SseEvent &event) {
            events << event;
            if (event.data == "stop")
                parser.reset();
        });
        parser.feed("data: stop\n\ndata: never\n\n");
        parser.feed("data: next\n\n");
        QCOMPARE(describe(events), describe({ev("stop"), ev("next")}));
    }

    void writer_roundTrip_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("id");
        QTest::addColumn<QByteArray>("expectedData");

        QTest::newRow("plain") << QByteArray("hello") << QByteArray("code") << QByteArray("1")
                               << QByteArray("hello");
        QTest::newRow("no name means message")
            << QByteArray("x") << QByteArray() << QByteArray("2") << QByteArray("x");
        QTest::newRow("empty data")
            << QByteArray() << QByteArray("e") << QByteArray("3") << QByteArray();
        QTest::newRow("LF lines") << QByteArray("a\nb\n\nc") << QByteArray("e") << QByteArray("4")
                                  << QByteArray("a\nb\n\nc");
        QTest::newRow("CR and CRLF normalised to LF") << QByteArray("a\r\nb\rc") << QByteArray("e")
                                                      << QByteArray("5") << QByteArray("a\nb\nc");
        QTest::newRow("trailing newline kept")
            << QByteArray("a\n") << QByteArray("e") << QByteArray("6") << QByteArray("a\n");
        QTest::newRow("leading spaces and colons kept")
            << QByteArray("  x\n: y\n:z") << QByteArray("e") << QByteArray("7")
            << QByteArray("  x\n: y\n:z");
        QTest::newRow("UTF-8") << QByteArray("é日🎉") << QByteArray("ünï") << QByteArray("ïd")
                               << QByteArray("é日🎉");
        QTest::newRow("empty id") << QByteArray("x") << QByteArray("e") << QByteArray("")
                                  << QByteArray("x");
    }

    void writer_roundTrip()
    {
        QFETCH_GLOBAL(Split, split);
        QFETCH(QByteArray, data);
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, id);
        QFETCH(QByteArray, expectedData);

        QByteArray stream = SseWriter::retry(1234) + SseWriter::comment("ping\nsecond line");
        stream += SseWriter::event(data, name, QByteArrayView(id));
        stream += SseWriter::comment();
        const SseEvent expected {name.isEmpty() ? QByteArray("message") : name, expectedData, id};
        stream += SseWriter::event(expected);
        for (quint32 seed = 1; seed <= (split == Split::Random ? 10u : 1u); ++seed) {
            const Run run = parse(stream, split, seed);
            QCOMPARE(describe(run.events), describe({expected, expected}));
            QCOMPARE(run.retry, 1234);
        }
    }

    void writer_formatsFrames()
    {
        QCOMPARE(SseWriter::event("a\nb", "code", QByteArrayView("7")),
                 QByteArray("id: 7\nevent: code\ndata: a\ndata: b\n\n"));
        QCOMPARE(SseWriter::event("x"), QByteArray("data: x\n\n"));
        QCOMPARE(SseWriter::event(""), QByteArray("data: \n\n"));
        QCOMPARE(SseWriter::retry(3000), QByteArray("retry: 3000\n"));
        QCOMPARE(SseWriter::comment("ping"), QByteArray(": ping\n"));
        QCOMPARE(SseWriter::comment(), QByteArray(":\n"));
    }

    void writer_rejectsBrokenFraming_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("id");
        QTest::newRow("LF in name") << QByteArray("a\nb") << QByteArray("1");
        QTest::newRow("CR in name") << QByteArray("a\rb") << QByteArray("1");
        QTest::newRow("LF in id") << QByteArray("a") << QByteArray("1\n2");
        QTest::newRow("NUL in id") << QByteArray("a")
                                   << QByteArray("1\0"
                                                 "2",
                                                 3);
    }

    void writer_rejectsBrokenFraming()
    {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, id);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("line break or NUL")));
        QByteArray out = "kept";
        QVERIFY(!SseWriter::appendEvent(out, "data", name, QByteArrayView(id)));
        QCOMPARE(out, QByteArray("kept"));
    }
};

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sseparser.moc"
