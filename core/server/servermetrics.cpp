#include "core/server/servermetrics.h"

#include <QList>
#include <QStringList>
#include <algorithm>

namespace inkstream::core {

namespace {

QString responseKey(const QString &route, int status)
{
    return route + u'\n' + QString::number(status);
}

void appendMetric(QByteArray *out, const char *name, const char *type, const char *help,
                  const QByteArray &samples)
{
    out->append("# HELP ").append(name).append(' ').append(help).append('\n');
    out->append("# TYPE ").append(name).append(' ').append(type).append('\n');
    out->append(samples);
}

QByteArray sample(const char *name, quint64 value, const QByteArray &labels = {})
{
    QByteArray line(name);
    if (!labels.isEmpty())
        line.append('{').append(labels).append('}');
    return line.append(' ').append(QByteArray::number(value)).append('\n');
}

} // namespace

void ServerMetrics::countResponse(const QString &route, int status)
{
    ++m_responses[responseKey(route, status)];
}

quint64 ServerMetrics::responses(const QString &route, int status) const
{
    return m_responses.value(responseKey(route, status));
}

QString ServerMetrics::routeOf(const QString &path)
{
    static const QStringList fixed
        = {QStringLiteral("/healthz"), QStringLiteral("/metrics"), QStringLiteral("/api/sessions")};
    if (fixed.contains(path))
        return path;
    const QStringList parts = path.split(u'/', Qt::SkipEmptyParts);
    if (parts.size() >= 3 && parts[0] == u"api" && parts[1] == u"sessions") {
        static const QStringList actions
            = {QStringLiteral("stream"),  QStringLiteral("ws"),     QStringLiteral("snapshot"),
               QStringLiteral("files"),   QStringLiteral("events"), QStringLiteral("chat"),
               QStringLiteral("complete")};
        if (parts.size() == 3)
            return QStringLiteral("/api/sessions/{id}");
        if (parts.size() == 4 && actions.contains(parts[3]))
            return QStringLiteral("/api/sessions/{id}/") + parts[3];
    }
    if (parts.size() == 2 && parts[0] == u"view")
        return QStringLiteral("/view/{id}");
    return QStringLiteral("other");
}

QByteArray ServerMetrics::toPrometheusText(const Gauges &gauges) const
{
    QByteArray out;
    appendMetric(&out, "inkstream_sessions", "gauge", "Sessions held by the publisher.",
                 sample("inkstream_sessions", quint64(gauges.sessions)));
    appendMetric(&out, "inkstream_subscribers", "gauge", "Open subscriber streams by transport.",
                 sample("inkstream_subscribers", quint64(gauges.sseSubscribers),
                        QByteArrayLiteral("transport=\"sse\""))
                     + sample("inkstream_subscribers", quint64(gauges.webSocketSubscribers),
                              QByteArrayLiteral("transport=\"websocket\"")));
    appendMetric(&out, "inkstream_events_published_total", "counter",
                 "Events published into sessions.",
                 sample("inkstream_events_published_total", m_eventsPublished));
    appendMetric(&out, "inkstream_bytes_sent_total", "counter",
                 "Bytes queued to subscribers (events and keep-alives).",
                 sample("inkstream_bytes_sent_total", m_bytesSent));
    appendMetric(&out, "inkstream_subscribers_dropped_total", "counter",
                 "Subscribers dropped for reading too slowly or stalling.",
                 sample("inkstream_subscribers_dropped_total", m_subscribersDropped));
    appendMetric(&out, "inkstream_connections_refused_total", "counter",
                 "Connections answered 429 by the per-address limits.",
                 sample("inkstream_connections_refused_total", m_connectionsRefused));
    appendMetric(&out, "inkstream_connections_timed_out_total", "counter",
                 "Connections closed for not completing a request in time.",
                 sample("inkstream_connections_timed_out_total", m_connectionsTimedOut));
    appendMetric(&out, "inkstream_heap_releases_total", "counter",
                 "Times freed memory was handed back to the system after viewers left.",
                 sample("inkstream_heap_releases_total", m_heapReleases));
    appendMetric(&out, "inkstream_heap_release_pending", "gauge",
                 "1 while a release of freed memory is due (viewers left within the last second).",
                 sample("inkstream_heap_release_pending", gauges.heapReleasePending ? 1 : 0));

    QList<QString> keys = m_responses.keys();
    std::sort(keys.begin(), keys.end());
    QByteArray responses;
    for (const QString &key : std::as_const(keys)) {
        const qsizetype newline = key.indexOf(u'\n');
        const QByteArray labels = "route=\"" + key.left(newline).toUtf8() + "\",code=\""
            + key.mid(newline + 1).toUtf8() + '"';
        responses += sample("inkstream_http_responses_total", m_responses.value(key), labels);
    }
    appendMetric(&out, "inkstream_http_responses_total", "counter",
                 "HTTP responses by route pattern and status code.", responses);
    return out;
}

} // namespace inkstream::core
