#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

namespace inkstream::core {

// Counters of a publisher, rendered in the Prometheus text format for GET /metrics.
class ServerMetrics final
{
public:
    struct Gauges
    {
        qsizetype sessions = 0;
        qsizetype sseSubscribers = 0;
        qsizetype webSocketSubscribers = 0;
        bool heapReleasePending = false;
    };

    void countEventPublished() { ++m_eventsPublished; }
    void countBytesSent(qint64 bytes) { m_bytesSent += bytes; }
    void countSubscriberDropped() { ++m_subscribersDropped; }
    void countConnectionRefused() { ++m_connectionsRefused; }
    void countConnectionTimedOut() { ++m_connectionsTimedOut; }
    void countHeapRelease() { ++m_heapReleases; }
    // `route` is the path pattern ("/api/sessions/{id}/stream"), never the raw path, so the
    // number of series stays bounded whatever clients request.
    void countResponse(const QString &route, int status);

    quint64 eventsPublished() const { return m_eventsPublished; }
    quint64 subscribersDropped() const { return m_subscribersDropped; }
    quint64 connectionsTimedOut() const { return m_connectionsTimedOut; }
    quint64 responses(const QString &route, int status) const;

    QByteArray toPrometheusText(const Gauges &gauges) const;

    // The pattern of a request path: ids replaced by {id}, unknown paths collapsed to "other".
    static QString routeOf(const QString &path);

private:
    quint64 m_eventsPublished = 0;
    quint64 m_bytesSent = 0;
    quint64 m_subscribersDropped = 0;
    quint64 m_connectionsRefused = 0;
    quint64 m_connectionsTimedOut = 0;
    quint64 m_heapReleases = 0;
    QHash<QString, quint64> m_responses; // "route\nstatus" -> count
};

} // namespace inkstream::core
