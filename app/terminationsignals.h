#pragma once

#include <QObject>

class QSocketNotifier;

namespace inkstream::app {

// SIGINT and SIGTERM delivered on the event loop, for the headless commands that stop cleanly
// (serve, watch): the handler only writes the signal's number to a socket pair (async-signal
// safe), and a QSocketNotifier on the other end emits received(). One instance at a time; the
// destructor puts the default handlers back.
class TerminationSignals final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TerminationSignals)

public:
    explicit TerminationSignals(QObject *parent = nullptr);
    ~TerminationSignals() override;

    // Installs the handlers; false when the system refuses (or another instance has them).
    bool install();
    // "SIGINT", "SIGTERM".
    static QString signalName(int signalNumber);

Q_SIGNALS:
    // `count` is 1 for the first signal, 2 for the next, ...
    void received(int signalNumber, int count);

private:
    void onActivated();

    QSocketNotifier *m_notifier = nullptr;
    int m_count = 0;
    bool m_installed = false;
};

} // namespace inkstream::app
