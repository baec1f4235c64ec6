// sseload: N SSE subscribers on one epoll loop, for the fan-out benchmark (docs/benchmarks.md).
//
//   sseload HOST PORT PATH SUBSCRIBERS EVENTS MARKER TIMEOUT_S [-- PUBLISH_COMMAND...]
//
// Opens SUBSCRIBERS streams to http://HOST:PORT/PATH, waits until every one has its response
// headers, prints "ready", then runs PUBLISH_COMMAND (if any) and counts, per subscriber, the
// `data:` lines that contain MARKER. It ends when every subscriber has EVENTS of them or after
// TIMEOUT_S, and prints one JSON line: subscribers, complete, delivered, expected, seconds
// (from the publish command's start to the last event), idle_rss_hint (none; the runner
// measures the server). Plain POSIX: the client must not be the bottleneck it measures.

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
    long events = 0;
    std::string pending; // bytes after the last complete line
};

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

// Consumes complete lines; counts `data:` lines carrying the marker.
void consume(Subscriber &s, const char *data, size_t size, const std::string &marker)
{
    s.pending.append(data, size);
    size_t start = 0;
    if (!s.headersDone) {
        const size_t end = s.pending.find("\r\n\r\n");
        if (end == std::string::npos)
            return;
        if (s.pending.compare(0, 12, "HTTP/1.1 200") != 0) {
            std::fprintf(stderr, "sseload: unexpected response: %.80s\n", s.pending.c_str());
            s.failed = true;
        }
        s.headersDone = true;
        start = end + 4;
    }
    for (;;) {
        const size_t newline = s.pending.find('\n', start);
        if (newline == std::string::npos)
            break;
        // Chunked transfer framing lines (hex sizes) never start with "data:", so they are
        // skipped like any other line.
        if (newline - start > 5 && s.pending.compare(start, 5, "data:") == 0
            && s.pending.find(marker, start) < newline)
            ++s.events;
        start = newline + 1;
    }
    s.pending.erase(0, start);
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc < 8) {
        std::fprintf(stderr, "usage: sseload HOST PORT PATH SUBSCRIBERS EVENTS MARKER TIMEOUT_S "
                             "[-- PUBLISH_COMMAND...]\n");
        return 2;
    }
    const char *host = argv[1];
    const int port = std::atoi(argv[2]);
    const std::string path = argv[3];
    const int count = std::atoi(argv[4]);
    const long expected = std::atol(argv[5]);
    const std::string marker = argv[6];
    const double timeout = std::atof(argv[7]);
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
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":"
        + std::to_string(port) + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n";
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
                    consume(s, buffer.data(), static_cast<size_t>(r), marker);
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
    long delivered = 0;
    int complete = 0;
    double lastEventAt = 0;
    const long total = expected * count;
    while (delivered < total && secondsSince(start) < timeout) {
        pump(5);
        long sum = 0;
        int done = 0;
        for (const Subscriber &s : subscribers) {
            sum += s.events;
            done += s.events >= expected ? 1 : 0;
        }
        if (sum != delivered)
            lastEventAt = secondsSince(start);
        delivered = sum;
        complete = done;
    }
    int publishStatus = 0;
    if (child > 0)
        ::waitpid(child, &publishStatus, 0);
    long duplicates = 0;
    for (const Subscriber &s : subscribers)
        duplicates += s.events > expected ? s.events - expected : 0;
    std::printf("{\"subscribers\":%d,\"complete\":%d,\"delivered\":%ld,\"expected\":%ld,"
                "\"extra\":%ld,\"seconds\":%.3f,\"events_per_second\":%.0f,\"publish_exit\":%d}\n",
                count, complete, delivered, total, duplicates, lastEventAt,
                lastEventAt > 0 ? static_cast<double>(delivered) / lastEventAt : 0.0,
                WIFEXITED(publishStatus) ? WEXITSTATUS(publishStatus) : -1);
    for (const Subscriber &s : subscribers)
        ::close(s.fd);
    ::close(epoll);
    return delivered == total ? 0 : 3;
}
