// sseload: N SSE (or WebSocket) subscribers on one epoll loop, for the fan-out benchmark
// (docs/benchmarks.md).
//
//   sseload [--websocket] HOST PORT PATH SUBSCRIBERS EVENTS MARKER TIMEOUT_S [--
//   PUBLISH_COMMAND...]
//
// Opens SUBSCRIBERS streams to http://HOST:PORT/PATH (an upgrade to WebSocket with
// --websocket), waits until every one has its response headers, prints "ready", then runs
// PUBLISH_COMMAND (if any). The events carry `value_NNNNN ... MARKER`: each subscriber keeps
// which of the EVENTS indices it has seen, in `data:` lines (SSE) or text messages
// (WebSocket), several per line when a server merges them. It ends when every subscriber has
// seen every index or after TIMEOUT_S, then listens a little longer for late repeats, and
// prints one JSON line: subscribers, complete (subscribers with every index), delivered
// (distinct indices summed), expected, lost, doubled (indices seen again), seconds (from the
// publish command's start to the last new index). Plain POSIX: the client must not be the
// bottleneck it measures.

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Subscriber
{
    int fd = -1;
    bool headersDone = false;
    bool failed = false;
    long distinct = 0; // indices seen at least once
    long doubled = 0; // sightings of an index already seen
    std::vector<bool> seen; // by event index
    std::string pending; // bytes after the last complete line or frame
};

struct Options
{
    bool webSocket = false;
    std::string marker;
};

// Records every `value_NNNNN` in [begin, end) that is followed by the marker.
void countIndices(Subscriber &s, const std::string &text, size_t begin, size_t end,
                  const std::string &marker)
{
    static const std::string prefix = "value_";
    for (size_t at = text.find(prefix, begin); at != std::string::npos && at + 11 <= end;
         at = text.find(prefix, at + 1)) {
        long index = 0;
        bool digits = true;
        for (size_t i = at + 6; i < at + 11; ++i) {
            if (text[i] < '0' || text[i] > '9') {
                digits = false;
                break;
            }
            index = index * 10 + (text[i] - '0');
        }
        const size_t markerAt = text.find(marker, at);
        if (!digits || markerAt == std::string::npos || markerAt >= end)
            continue;
        if (index < 0 || static_cast<size_t>(index) >= s.seen.size())
            continue;
        if (s.seen[static_cast<size_t>(index)]) {
            ++s.doubled;
        } else {
            s.seen[static_cast<size_t>(index)] = true;
            ++s.distinct;
        }
    }
}

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

int connectTo(const char *host, int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    if (::inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        ::close(fd);
        return -1;
    }
    const int r = ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
    if (r != 0 && errno != EINPROGRESS) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Answers a server's ping with the masked pong a client must send (RFC 6455 5.5.3).
void pong(const Subscriber &s, const std::string &payload)
{
    std::string frame;
    frame += char(0x8A);
    frame += char(0x80 | (payload.size() & 0x7F)); // control payloads are < 126 bytes
    frame.append(4, '\0'); // mask key 0: the payload goes as it is
    frame += payload;
    (void)!::send(s.fd, frame.data(), frame.size(), MSG_NOSIGNAL);
}

// SSE: consumes complete lines, counting the indices in `data:` lines.
void consumeLines(Subscriber &s, size_t start, const std::string &marker)
{
    for (;;) {
        const size_t newline = s.pending.find('\n', start);
        if (newline == std::string::npos)
            break;
        // Chunked transfer framing lines (hex sizes) never start with "data:", so they are
        // skipped like any other line.
        if (newline - start > 5 && s.pending.compare(start, 5, "data:") == 0)
            countIndices(s, s.pending, start, newline, marker);
        start = newline + 1;
    }
    s.pending.erase(0, start);
}

// WebSocket: consumes complete frames (unmasked, from a server), counting the indices in text.
void consumeFrames(Subscriber &s, size_t start, const std::string &marker)
{
    for (;;) {
        const size_t available = s.pending.size() - start;
        if (available < 2)
            break;
        const auto byte = [&](size_t i) {
            return static_cast<unsigned char>(s.pending[start + i]);
        };
        const int opcode = byte(0) & 0x0F;
        uint64_t length = byte(1) & 0x7F;
        size_t header = 2;
        if (length == 126) {
            if (available < 4)
                break;
            length = (uint64_t(byte(2)) << 8) | byte(3);
            header = 4;
        } else if (length == 127) {
            if (available < 10)
                break;
            length = 0;
            for (size_t i = 2; i < 10; ++i)
                length = (length << 8) | byte(i);
            header = 10;
        }
        if (available < header + length)
            break;
        const size_t payload = start + header;
        if (opcode == 0x1 || opcode == 0x0)
            countIndices(s, s.pending, payload, payload + length, marker);
        else if (opcode == 0x9)
            pong(s, s.pending.substr(payload, length));
        else if (opcode == 0x8)
            s.failed = true;
        start = payload + length;
    }
    s.pending.erase(0, start);
}

void consume(Subscriber &s, const char *data, size_t size, const Options &options)
{
    s.pending.append(data, size);
    size_t start = 0;
    if (!s.headersDone) {
        const size_t end = s.pending.find("\r\n\r\n");
        if (end == std::string::npos)
            return;
        const char *status = options.webSocket ? "HTTP/1.1 101" : "HTTP/1.1 200";
        if (s.pending.compare(0, 12, status) != 0) {
            std::fprintf(stderr, "sseload: unexpected response: %.80s\n", s.pending.c_str());
            s.failed = true;
        }
        s.headersDone = true;
        start = end + 4;
    }
    if (options.webSocket)
        consumeFrames(s, start, options.marker);
    else
        consumeLines(s, start, options.marker);
}

} // namespace

int main(int argc, char *argv[])
{
    Options options;
    if (argc > 1 && std::strcmp(argv[1], "--websocket") == 0) {
        options.webSocket = true;
        --argc;
        ++argv;
    }
    if (argc < 8) {
        std::fprintf(stderr,
                     "usage: sseload [--websocket] HOST PORT PATH SUBSCRIBERS EVENTS "
                     "MARKER TIMEOUT_S [-- PUBLISH_COMMAND...]\n");
        return 2;
    }
    const char *host = argv[1];
    const int port = std::atoi(argv[2]);
    const std::string path = argv[3];
    const int count = std::atoi(argv[4]);
    const long expected = std::atol(argv[5]);
    options.marker = argv[6];
    const double timeout = std::atof(argv[7]);
    if (expected <= 0 || expected > 100000) {
        std::fprintf(stderr, "sseload: EVENTS must be 1..100000 (five-digit indices)\n");
        return 2;
    }
    char **publish = nullptr;
    for (int i = 8; i < argc; ++i) {
        if (std::strcmp(argv[i], "--") == 0 && i + 1 < argc) {
            publish = argv + i + 1;
            break;
        }
    }
    std::signal(SIGPIPE, SIG_IGN);

    const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    std::vector<Subscriber> subscribers(static_cast<size_t>(count));
    for (Subscriber &s : subscribers)
        s.seen.assign(static_cast<size_t>(expected), false);
    std::string request
        = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(port) + "\r\n";
    if (options.webSocket)
        request
            += "Upgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    else
        request += "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n";
    const Clock::time_point begin = Clock::now();

    // Connect in batches so the listen backlog never overflows (a refused SYN would wait for
    // a retransmit and distort the setup, not the measure).
    int connected = 0;
    int headers = 0;
    std::vector<char> buffer(1 << 16);
    epoll_event events[256];
    const auto pump = [&](int waitMs) {
        const int n = ::epoll_wait(epoll, events, 256, waitMs);
        for (int i = 0; i < n; ++i) {
            Subscriber &s = subscribers[events[i].data.u32];
            if (events[i].events & EPOLLOUT) {
                const ssize_t w = ::send(s.fd, request.data(), request.size(), MSG_NOSIGNAL);
                if (w != static_cast<ssize_t>(request.size()))
                    s.failed = true;
                epoll_event in {};
                in.events = EPOLLIN;
                in.data.u32 = events[i].data.u32;
                ::epoll_ctl(epoll, EPOLL_CTL_MOD, s.fd, &in);
                continue;
            }
            for (;;) {
                const ssize_t r = ::recv(s.fd, buffer.data(), buffer.size(), 0);
                if (r > 0) {
                    const bool before = s.headersDone;
                    consume(s, buffer.data(), static_cast<size_t>(r), options);
                    if (!before && s.headersDone)
                        ++headers;
                    continue;
                }
                if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                    s.failed = true;
                    ::epoll_ctl(epoll, EPOLL_CTL_DEL, s.fd, nullptr);
                }
                break;
            }
        }
        return n;
    };
    for (int i = 0; i < count; ++i) {
        Subscriber &s = subscribers[static_cast<size_t>(i)];
        s.fd = connectTo(host, port);
        if (s.fd < 0) {
            std::fprintf(stderr, "sseload: cannot open socket %d: %s\n", i, std::strerror(errno));
            return 1;
        }
        epoll_event out {};
        out.events = EPOLLOUT;
        out.data.u32 = static_cast<uint32_t>(i);
        ::epoll_ctl(epoll, EPOLL_CTL_ADD, s.fd, &out);
        ++connected;
        if (connected - headers >= 64)
            while (connected - headers >= 32 && secondsSince(begin) < timeout)
                pump(10);
    }
    while (headers < count && secondsSince(begin) < timeout)
        pump(10);
    int failed = 0;
    for (const Subscriber &s : subscribers)
        failed += s.failed ? 1 : 0;
    if (headers < count || failed > 0) {
        std::fprintf(stderr, "sseload: only %d of %d subscribers connected (%d failed)\n",
                     headers, count, failed);
        return 1;
    }
    std::printf("ready %d subscribers in %.2f s\n", count, secondsSince(begin));
    std::fflush(stdout);
    if (const char *settle = std::getenv("SSELOAD_READY_FILE")) {
        // The runner measures the server's idle memory now, then removes the file.
        FILE *file = std::fopen(settle, "w");
        if (file)
            std::fclose(file);
        while (::access(settle, F_OK) == 0)
            pump(50);
    }

    const Clock::time_point start = Clock::now();
    pid_t child = -1;
    if (publish) {
        child = ::fork();
        if (child == 0) {
            ::execvp(publish[0], publish);
            std::perror("sseload: publish command");
            _exit(127);
        }
    }
    const long total = expected * count;
    const auto delivered = [&] {
        long sum = 0;
        for (const Subscriber &s : subscribers)
            sum += s.distinct;
        return sum;
    };
    long distinct = 0;
    double lastEventAt = 0;
    while (distinct < total && secondsSince(start) < timeout) {
        pump(5);
        const long now = delivered();
        if (now != distinct)
            lastEventAt = secondsSince(start);
        distinct = now;
    }
    // A repeat sent after the last new index would otherwise go unseen: listen until the
    // streams have been quiet for a while.
    Clock::time_point quietSince = Clock::now();
    while (secondsSince(quietSince) < 0.5 && secondsSince(start) < timeout) {
        if (pump(50) > 0)
            quietSince = Clock::now();
    }
    int publishStatus = 0;
    if (child > 0)
        ::waitpid(child, &publishStatus, 0);
    int complete = 0;
    long doubled = 0;
    for (const Subscriber &s : subscribers) {
        complete += s.distinct == expected ? 1 : 0;
        doubled += s.doubled;
    }
    std::printf("{\"subscribers\":%d,\"complete\":%d,\"delivered\":%ld,\"expected\":%ld,"
                "\"lost\":%ld,\"doubled\":%ld,\"seconds\":%.3f,\"events_per_second\":%.0f,"
                "\"publish_exit\":%d}\n",
                count, complete, distinct, total, total - distinct, doubled, lastEventAt,
                lastEventAt > 0 ? static_cast<double>(distinct) / lastEventAt : 0.0,
                WIFEXITED(publishStatus) ? WEXITSTATUS(publishStatus) : -1);
    for (const Subscriber &s : subscribers)
        ::close(s.fd);
    ::close(epoll);
    return distinct == total && doubled == 0 ? 0 : 3;
}
