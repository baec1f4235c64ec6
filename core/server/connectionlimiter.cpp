#include "core/server/connectionlimiter.h"

namespace inkstream::core {

ConnectionLimiter::ConnectionLimiter()
{
    m_clock.start();
}

QString ConnectionLimiter::keyOf(const QHostAddress &peer)
{
    // ::ffff:127.0.0.1 and 127.0.0.1 are the same client.
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4).toString() : peer.toString();
}

void ConnectionLimiter::refill(Entry *entry, qint64 nowNs) const
{
    const double elapsedSeconds = double(nowNs - entry->refilledAtNs) / 1e9;
    entry->tokens = qMin(double(m_maxPerSecond), entry->tokens + elapsedSeconds * m_maxPerSecond);
    entry->refilledAtNs = nowNs;
}

ConnectionLimiter::Verdict ConnectionLimiter::admit(const QHostAddress &peer)
{
    const QString key = keyOf(peer);
    const qint64 now = m_clock.nsecsElapsed();
    auto it = m_entries.find(key);
    if (it == m_entries.end() && m_entries.size() >= kSweepThreshold) {
        sweep(now);
        it = m_entries.find(key);
    }
    if (it == m_entries.end())
        it = m_entries.insert(key, Entry {0, double(m_maxPerSecond), now});
    Entry &entry = *it;
    if (m_maxOpen > 0 && entry.open >= m_maxOpen)
        return Verdict::TooManyOpen;
    if (m_maxPerSecond > 0) {
        refill(&entry, now);
        if (entry.tokens < 1.0)
            return Verdict::TooFast;
        entry.tokens -= 1.0;
    }
    ++entry.open;
    return Verdict::Allowed;
}

void ConnectionLimiter::release(const QHostAddress &peer)
{
    const auto it = m_entries.find(keyOf(peer));
    if (it == m_entries.end())
        return;
    it->open = qMax(0, it->open - 1);
    // Forget an address once it holds nothing: memory stays bounded by live clients. Its
    // bucket is refilled first so a forgotten address cannot gain a fresh burst early.
    refill(&*it, m_clock.nsecsElapsed());
    if (it->open == 0 && it->tokens >= double(m_maxPerSecond))
        m_entries.erase(it);
}

void ConnectionLimiter::sweep(qint64 nowNs)
{
    m_entries.removeIf([this, nowNs](QHash<QString, Entry>::iterator it) {
        refill(&*it, nowNs);
        return it->open == 0 && it->tokens >= double(m_maxPerSecond);
    });
}

int ConnectionLimiter::openConnections(const QHostAddress &peer) const
{
    return m_entries.value(keyOf(peer)).open;
}

} // namespace inkstream::core
