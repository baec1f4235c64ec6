#pragma once

#include <QByteArray>
#include <QStandardPaths>
#include <QString>
#include <QtGlobal>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

// A private Xvfb for the suites that need a real X server: the offscreen platform has no
// server to wait for, so what happens while one is slow can only be seen with one. Started
// before the QApplication (which connects to it through DISPLAY), stopped with the test.
// pause() stops the server (SIGSTOP) as a display server that has fallen behind would look,
// with a watchdog that resumes it anyway: code that wrongly blocks on the server then fails
// the test instead of hanging it.
class PrivateXvfb final
{
    Q_DISABLE_COPY_MOVE(PrivateXvfb)

public:
    PrivateXvfb() = default;
    ~PrivateXvfb()
    {
        resume();
        if (m_pid <= 0)
            return;
        ::kill(m_pid, SIGTERM);
        for (int i = 0; i < 50; ++i) { // 5 s, then it is killed
            if (::waitpid(m_pid, nullptr, WNOHANG) == m_pid)
                return;
            ::usleep(100000);
        }
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, nullptr, 0);
    }

    // Starts the server on a free display number; false with a reason when it cannot.
    bool start(QString *error)
    {
        const QString program = QStandardPaths::findExecutable(QStringLiteral("Xvfb"));
        if (program.isEmpty()) {
            *error = QStringLiteral("Xvfb is not installed (packaging/install-deps.sh test)");
            return false;
        }
        int displayPipe[2];
        if (::pipe(displayPipe) != 0) {
            *error = QStringLiteral("pipe() failed");
            return false;
        }
        const QByteArray path = program.toLocal8Bit();
        const QByteArray fd = QByteArray::number(displayPipe[1]);
        const pid_t parent = ::getpid();
        m_pid = ::fork();
        if (m_pid == 0) {
            ::close(displayPipe[0]);
            // Dies with the test, however the test ends (a crash skips the destructor).
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent)
                ::_exit(1);
            const int devNull = ::open("/dev/null", O_RDWR);
            ::dup2(devNull, STDIN_FILENO);
            ::dup2(devNull, STDOUT_FILENO); // stderr stays: the server's own errors
            // -displayfd: the server picks a free number and writes it there once it listens.
            ::execl(path.constData(), "Xvfb", "-displayfd", fd.constData(), "-screen", "0",
                    "640x480x24", "-nolisten", "tcp", static_cast<char *>(nullptr));
            ::_exit(127);
        }
        ::close(displayPipe[1]);
        if (m_pid < 0) {
            ::close(displayPipe[0]);
            *error = QStringLiteral("fork() failed");
            return false;
        }
        QByteArray number;
        pollfd readable {displayPipe[0], POLLIN, 0};
        char c = 0;
        while (::poll(&readable, 1, 10000) == 1 && ::read(displayPipe[0], &c, 1) == 1 && c != '\n')
            number.append(c);
        ::close(displayPipe[0]);
        if (number.isEmpty()) {
            *error = QStringLiteral("Xvfb did not start (no display number within 10 s)");
            return false;
        }
        m_display = ':' + number;
        return true;
    }

    QByteArray display() const { return m_display; }

    // Stops the server until resume(), or at the latest after `watchdogMs`.
    void pause(int watchdogMs)
    {
        resume();
        ::kill(m_pid, SIGSTOP);
        int status = 0; // the signal is asynchronous: wait until the server has stopped
        if (::waitpid(m_pid, &status, WUNTRACED) != m_pid || !WIFSTOPPED(status))
            qFatal("Xvfb did not stop (it exited?)");
        m_paused = true;
        m_watchdogFired = false;
        m_watchdog = std::thread([this, watchdogMs] {
            std::unique_lock lock(m_mutex);
            if (!m_resumed.wait_for(lock, std::chrono::milliseconds(watchdogMs),
                                    [this] { return !m_paused; })) {
                ::kill(m_pid, SIGCONT);
                m_watchdogFired = true;
            }
        });
    }

    void resume()
    {
        if (!m_watchdog.joinable())
            return;
        {
            const std::lock_guard lock(m_mutex);
            m_paused = false;
        }
        m_resumed.notify_all();
        m_watchdog.join();
        ::kill(m_pid, SIGCONT);
    }

    // Whether the last pause() ended by its watchdog: something waited for the server. Read it
    // after resume().
    bool watchdogFired() const { return m_watchdogFired; }

private:
    pid_t m_pid = -1;
    QByteArray m_display;
    std::thread m_watchdog;
    std::mutex m_mutex;
    std::condition_variable m_resumed;
    bool m_paused = false;
    bool m_watchdogFired = false;
};
