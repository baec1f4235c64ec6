#pragma once

#include <QDir>
#include <QProcess>
#include <QStringList>

// A Node.js loopback server from tests/dialects/servers (written from the seed documents),
// stopped when this goes out of scope. The script prints its port on its first line.
class NodeServer final
{
public:
    explicit NodeServer(const QString &script, const QStringList &arguments = {})
    {
        m_process.setProgram(QStringLiteral("node"));
        m_process.setArguments(
            QStringList {QDir(qEnvironmentVariable("INKSTREAM_SOURCE_DIR"))
                             .filePath(QStringLiteral("tests/dialects/servers/") + script)}
            + arguments);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
    }
    ~NodeServer()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    Q_DISABLE_COPY_MOVE(NodeServer)

    // The port the server printed, 0 when it did not start.
    int port()
    {
        if (!m_process.waitForStarted(10000))
            return 0;
        while (!m_process.canReadLine()) {
            if (!m_process.waitForReadyRead(10000))
                return 0;
        }
        return m_process.readLine().trimmed().toInt();
    }

private:
    QProcess m_process;
};
