#pragma once

// What the suites that drive the real `inkstream` binary share: the binary, child processes
// that are always stopped (`serve` among them), and source text that exercises every UTF-8
// length and the JSON escapes.

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace {

inline QString binary()
{
    return qEnvironmentVariable("INKSTREAM_BINARY");
}

// Settable so a slow (sanitizer) build can run the same logic on a smaller stream.
inline int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok && value > 0 ? value : fallback;
}

inline QString sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

// Source text with 1-, 2-, 3- and 4-byte UTF-8 sequences, CR LF, quotes and backslashes (JSON
// escapes), different for every file.
inline QString sourceText(int file, qsizetype targetBytes)
{
    QString text;
    qsizetype bytes = 0;
    for (int line = 0; bytes < targetBytes; ++line) {
        const QString chunk
            = QStringLiteral("// %1.%2 caf\u00e9 \u6f22\u5b57 \U0001F600\U0001F9EA \"q\" \\ tab\t\n"
                             "let v%2 = \"\u03bb \u2192 \u221e\";\r\n")
                  .arg(file)
                  .arg(line);
        text += chunk;
        bytes += chunk.toUtf8().size();
    }
    return text;
}

// A child process that is always stopped when the test ends, pass or fail.
class ChildProcess
{
public:
    ChildProcess() = default;
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;
    ~ChildProcess() { stop(); }
    void stop()
    {
        if (process.state() != QProcess::NotRunning) {
            process.terminate();
            if (!process.waitForFinished(10000))
                process.kill();
            process.waitForFinished(5000);
        }
    }
    // The first stdout line (serve prints its session URL there).
    QString readLine(int timeoutMs = 15000)
    {
        QElapsedTimer timer;
        timer.start();
        while (!process.canReadLine() && timer.elapsed() < timeoutMs
               && process.state() != QProcess::NotRunning)
            process.waitForReadyRead(200);
        return QString::fromUtf8(process.readLine()).trimmed();
    }
    QProcess process;
};

// `inkstream serve --port 0 EXTRA` as a child process (ENVIRONMENT: "NAME=value" entries added
// to the test's); its first stdout line is the session URL.
class ServeProcess : public ChildProcess
{
public:
    explicit ServeProcess(const QStringList &extra = {}, const QStringList &environment = {})
    {
        if (!environment.isEmpty()) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            for (const QString &entry : environment)
                env.insert(entry.section(u'=', 0, 0), entry.section(u'=', 1));
            process.setProcessEnvironment(env);
        }
        process.start(
            binary(),
            QStringList {QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0")}
                + extra);
    }
    QString readUrl(int timeoutMs = 20000) { return readLine(timeoutMs); }
};

} // namespace
