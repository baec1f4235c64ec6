#include "app/terminalstatusline.h"

#include <cstdio>
#include <sys/ioctl.h>
#include <unistd.h>

namespace inkstream::app {

namespace {
bool g_shown = false;

int terminalWidth()
{
    winsize size {};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 80;
}
} // namespace

bool TerminalStatusLine::isAvailable()
{
    return isatty(STDERR_FILENO) == 1 && qEnvironmentVariable("TERM") != u"dumb";
}

void TerminalStatusLine::show(const QString &text)
{
    if (!isAvailable())
        return;
    // One column short of the width: writing the last column wraps on some terminals.
    const QByteArray line = text.left(terminalWidth() - 1).toLocal8Bit();
    std::fputs("\r\x1b[K", stderr);
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
    g_shown = true;
}

void TerminalStatusLine::clear()
{
    if (!g_shown)
        return;
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
    g_shown = false;
}

} // namespace inkstream::app
