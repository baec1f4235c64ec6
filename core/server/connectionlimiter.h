#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QString>

namespace inkstream::core {

// Per-IP limits on open connections and on new connections per second (a token bucket that
// allows a burst of one second's worth). A refused connection is answered with 429.
class ConnectionLimiter final
{
public:
    enum class Verdict { Allowed, TooManyOpen, TooFast };

    ConnectionLimiter();

    // 0 = unlimited (the default for both).
    void setMaxOpenPerAddress(int connections) { m_maxOpen = qMax(0, connections); }
    int maxOpenPerAddress() const { return m_maxOpen; }
    void setMaxNewPerSecond(int connections) { m_maxPerSecond = qMax(0, connections); }
    int maxNewPerSecond() const { return m_maxPerSecond; }
    bool isUnlimited() const { return m_maxOpen == 0 && m_maxPerSecond == 0; }

    // Counts a new connection from `peer` when the limits allow it; an allowed connection must
    // be released() when it closes.
    Verdict admit(const QHostAddress &peer);
    void release(const QHostAddress &peer);
    int openConnections(const QHostAddress &peer) const;
    // Addresses with state (open connections or a bucket not yet full): bounded by them.
    qsizetype trackedAddresses() const { return m_entries.size(); }

private:
    struct Entry
    {
        int open = 0;
        double tokens = 0;
        qint64 refilledAtNs = 0;
    };
    static QString keyOf(const QHostAddress &peer);
    void refill(Entry *entry, qint64 nowNs) const;
    // Drops idle addresses whose buckets are full again.
    void sweep(qint64 nowNs);
    static constexpr qsizetype kSweepThreshold = 4096;

    QElapsedTimer m_clock;
    QHash<QString, Entry> m_entries;
    int m_maxOpen = 0;
    int m_maxPerSecond = 0;
};

} // namespace inkstream::core
