// Window benchmark (issue 21): the real MainWindow under a real X server (Xvfb) joins a big
// session late, over a real loopback connection to `inkstream serve` (run.sh publishes it
// first), and the reader then works in it:
//   1. time until the editor paints the first file, and until every file is in the window;
//   2. the window's RSS idle (before connecting) and once every file is in;
//   3. the longest GUI-thread stall, measured by a 1 ms watchdog timer, while the window
//      catches up, while the reader steps through the file list (each step switches files),
//      opens the largest file, runs find in it and pages through it.
// Prints a Markdown table. Run through tests/bench/window/run.sh.
//   bench_window URL FILES CONTENT_BYTES [SCREENSHOT.png]
#include "core/client/sessionclient.h"
#include "core/model/sessionmodel.h"
#include "ui/apptheme.h"
#include "ui/codeeditor.h"
#include "ui/displaypacer.h"
#include "ui/editorpane.h"
#include "ui/filedocuments.h"
#include "ui/findbar.h"
#include "ui/heapupkeep.h"
#include "ui/mainwindow.h"
#include "ui/sessionview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QLineEdit>
#include <QListView>
#include <QProcess>
#include <QScrollBar>
#include <QTest>
#include <QTextDocument>
#include <QTextStream>
#include <QTimer>
#include <functional>
#include <malloc.h>
#include <string_view>

using namespace inkstream;

namespace {

// Resident and peak resident set of this process, in MB.
double statusMegabytes(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

// The longest gap between two turns of a 1 ms timer: how long the GUI thread was busy with
// something else (one input event's handling, a paint, a highlighting slice).
class Watchdog
{
public:
    Watchdog()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] {
            const double gapMs = m_sinceTick.nsecsElapsed() / 1e6;
            m_sinceTick.start();
            m_longestMs = qMax(m_longestMs, gapMs);
            if (m_onTick)
                m_onTick();
        });
        m_sinceTick.start();
        m_timer.start();
    }
    void reset()
    {
        m_longestMs = 0;
        m_sinceTick.start();
    }
    double longestMs() const { return m_longestMs; }
    void setOnTick(std::function<void()> onTick) { m_onTick = std::move(onTick); }

private:
    QTimer m_timer;
    QElapsedTimer m_sinceTick;
    double m_longestMs = 0;
    std::function<void()> m_onTick;
};

void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// Paints of a widget, counted.
class PaintCounter : public QObject
{
public:
    int paints = 0;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return QObject::eventFilter(watched, event);
    }
};

QString ms(double value)
{
    return QString::number(value, 'f', 1) + QStringLiteral(" ms");
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    ui::HeapUpkeep::install(&app); // as the application does
    QApplication::setOrganizationName(QStringLiteral("InkstreamBench"));
    if (argc < 4)
        qFatal("usage: bench_window URL FILES CONTENT_BYTES [SCREENSHOT.png]");
    const QUrl url(QString::fromLocal8Bit(argv[1]));
    const int files = QByteArray(argv[2]).toInt();
    const double contentMb = QByteArray(argv[3]).toDouble() / (1024.0 * 1024.0);
    const QString screenshot = argc > 4 ? QString::fromLocal8Bit(argv[4]) : QString();
    ui::AppTheme::apply(ui::AppTheme::Mode::Dark);
    QTextStream out(stdout);

    core::SessionModel model;
    core::SessionClient client(&model);
    ui::MainWindow window(&model, &client);
    // The reader's speed (the default, normal, unless INKSTREAM_BENCH_SPEED names another).
    const QString speed = qEnvironmentVariable("INKSTREAM_BENCH_SPEED");
    if (!speed.isEmpty())
        window.setDisplaySpeed(ui::DisplayPacer::speedFromName(speed, window.displaySpeed()));
    window.resize(1400, 860);
    window.show();
    Watchdog watchdog;
    spin(1500);
    const double idleRss = statusMegabytes("VmRSS:");

    ui::SessionView *view = window.sessionView();
    ui::CodeEditor *editor = view->editorPane()->editor();
    PaintCounter editorPaints;
    editor->viewport()->installEventFilter(&editorPaints);

    // 1. Late join: the first file painted, then every file complete in the window.
    QElapsedTimer sinceConnect;
    double firstPaintMs = -1;
    double allFilesMs = -1;
    double receivedMs = -1; // every file complete in the client's model (before the display)
    QString firstFile;
    int paintsAtStart = 0;
    watchdog.setOnTick([&] {
        if (firstPaintMs < 0) {
            if (editor->document()->characterCount() > 1 && paintsAtStart == 0)
                paintsAtStart = editorPaints.paints;
            if (paintsAtStart > 0 && editorPaints.paints > paintsAtStart) {
                firstPaintMs = sinceConnect.nsecsElapsed() / 1e6;
                firstFile = view->editorPane()->fileName();
            }
        }
        if (receivedMs < 0 && model.files().size() == files) {
            bool complete = true;
            for (const core::SessionFile &file : model.files())
                complete = complete && file.state == core::FileState::Complete;
            if (complete)
                receivedMs = sinceConnect.nsecsElapsed() / 1e6;
        }
        if (allFilesMs < 0 && window.documents()->count() == files) {
            const QList<core::SessionFile> &shown = window.displayModel()->files();
            bool complete = true;
            for (const core::SessionFile &file : shown)
                complete = complete && file.state == core::FileState::Complete;
            if (complete)
                allFilesMs = sinceConnect.nsecsElapsed() / 1e6;
        }
    });
    watchdog.reset();
    sinceConnect.start();
    client.connectTo(url);
    while ((allFilesMs < 0 || firstPaintMs < 0) && sinceConnect.elapsed() < 120000)
        spin(50);
    const double catchUpStallMs = watchdog.longestMs();
    watchdog.setOnTick(nullptr);
    if (allFilesMs < 0)
        qFatal("the window did not receive every file within 120 s");
    qint64 shownCharacters = 0;
    int largest = 0;
    // What the window shows: a file's document holds its text only while it is looked at, so
    // count the display model's, which is what opening any file shows.
    const QList<core::SessionFile> &shownFiles = window.displayModel()->files();
    for (int i = 0; i < files; ++i) {
        shownCharacters += shownFiles.at(i).content.size();
        if (shownFiles.at(i).content.size() > shownFiles.at(largest).content.size())
            largest = i;
    }
    spin(2000); // highlighting slices and the allocator settle
    const double afterRss = statusMegabytes("VmRSS:");
    const double peakRss = statusMegabytes("VmHWM:");
    malloc_trim(0); // what of it is freed memory glibc keeps mapped
    const double trimmedRss = statusMegabytes("VmRSS:");

    // 2. The reader at work. Each step is one input event, then 40 ms for what it set off.
    auto step = [&watchdog](const std::function<void()> &action, int settleMs = 40) {
        watchdog.reset();
        QTimer::singleShot(0, action);
        spin(settleMs);
        return watchdog.longestMs();
    };
    QListView *list = view->fileList();
    list->setFocus();
    list->setCurrentIndex(list->model()->index(0, 0));
    spin(300);
    double fileListStallMs = 0;
    QList<double> stepStalls;
    for (int i = 1; i < files; ++i) {
        stepStalls << step([list] { QTest::keyClick(list, Qt::Key_Down); });
        fileListStallMs = qMax(fileListStallMs, stepStalls.last());
    }
    std::sort(stepStalls.begin(), stepStalls.end());

    const int paintsBeforeOpen = editorPaints.paints;
    QElapsedTimer openTimer;
    double openMs = -1;
    const double openStallMs = step(
        [&] {
            openTimer.start();
            list->setCurrentIndex(list->model()->index(largest, 0));
            while (editorPaints.paints == paintsBeforeOpen)
                QApplication::processEvents();
            openMs = openTimer.nsecsElapsed() / 1e6;
        },
        300);
    const QString largestName = view->editorPane()->fileName();
    const int largestLines = editor->document()->blockCount();

    // Find: typing a word that occurs on every line, then the next ten hits, then a word that
    // occurs nowhere (the whole file searched).
    ui::FindBar *find = view->editorPane()->findBar();
    double findStallMs = step([find] { find->activate(); });
    for (const char c : std::string_view("compute"))
        findStallMs = qMax(findStallMs, step([find, c] { QTest::keyClick(find->field(), c); }));
    for (int i = 0; i < 10; ++i)
        findStallMs
            = qMax(findStallMs, step([find] { QTest::keyClick(find->field(), Qt::Key_Return); }));
    findStallMs = qMax(findStallMs, step([find] { find->field()->clear(); }));
    for (const char c : std::string_view("nowhere"))
        findStallMs = qMax(findStallMs, step([find, c] { QTest::keyClick(find->field(), c); }));
    findStallMs
        = qMax(findStallMs, step([find] { QTest::keyClick(find->field(), Qt::Key_Return); }));
    findStallMs
        = qMax(findStallMs, step([find] { QTest::keyClick(find->field(), Qt::Key_Escape); }));

    // Scrolling: to the top, then page by page (100 pages), then to the end and back.
    editor->setFocus();
    double scrollStallMs
        = step([editor] { QTest::keyClick(editor, Qt::Key_Home, Qt::ControlModifier); });
    for (int i = 0; i < 100; ++i)
        scrollStallMs = qMax(scrollStallMs,
                             step([editor] { QTest::keyClick(editor, Qt::Key_PageDown); }, 20));
    scrollStallMs
        = qMax(scrollStallMs,
               step([editor] { QTest::keyClick(editor, Qt::Key_End, Qt::ControlModifier); }));
    scrollStallMs = qMax(scrollStallMs, step([editor] {
                             editor->verticalScrollBar()->setValue(
                                 editor->verticalScrollBar()->maximum() / 2);
                         }));
    scrollStallMs
        = qMax(scrollStallMs,
               step([editor] { QTest::keyClick(editor, Qt::Key_Home, Qt::ControlModifier); }));
    const double endRss = statusMegabytes("VmRSS:");

    if (!screenshot.isEmpty()) {
        editor->verticalScrollBar()->setValue(editor->verticalScrollBar()->maximum() / 3);
        spin(500);
        QProcess::execute(QStringLiteral("import"),
                          {QStringLiteral("-window"), QStringLiteral("root"), screenshot});
    }

    const double rssGrowth = afterRss - idleRss;
    out << "| measure | value | target |\n|---|---|---|\n";
    out << "| session | " << files << " files, " << QString::number(contentMb, 'f', 1)
        << " MiB of content (" << shownCharacters << " characters in the window) | |\n";
    out << "| display speed | " << ui::DisplayPacer::speedName(window.displaySpeed()) << " | |\n";
    out << "| first file painted after connecting (" << firstFile << ") | " << ms(firstPaintMs)
        << " | < 1000 ms |\n";
    out << "| every file complete in the window | " << ms(allFilesMs) << " | < 5000 ms |\n";
    out << "| … of which every file complete in the client's model (before display pacing) | "
        << ms(receivedMs) << " | |\n";
    out << "| longest GUI-thread stall while catching up | " << ms(catchUpStallMs) << " | |\n";
    out << "| RSS idle → with the session (peak) | " << QString::number(idleRss, 'f', 0) << " → "
        << QString::number(afterRss, 'f', 0) << " MiB (" << QString::number(peakRss, 'f', 0)
        << " MiB) | |\n";
    out << "| RSS with the session after malloc_trim(0) | " << QString::number(trimmedRss, 'f', 0)
        << " MiB | |\n";
    out << "| RSS growth / content | " << QString::number(rssGrowth, 'f', 0)
        << " MiB = " << QString::number(rssGrowth / contentMb, 'f', 2) << " × | ≤ 3 × |\n";
    out << "| longest stall, file list: " << files - 1 << " steps, each switching files | "
        << ms(fileListStallMs) << " | < 16 ms |\n";
    out << "| … the steps' median and 90th percentile | "
        << ms(stepStalls.at(stepStalls.size() / 2)) << ", "
        << ms(stepStalls.at(stepStalls.size() * 9 / 10)) << " | |\n";
    out << "| opening the largest file (" << largestName << ", " << largestLines
        << " lines) until painted | " << ms(openMs) << " (stall " << ms(openStallMs)
        << ") | < 16 ms |\n";
    out << "| longest stall, find (typing, 10 × next, a word found nowhere) | " << ms(findStallMs)
        << " | < 16 ms |\n";
    out << "| longest stall, scrolling (100 pages, end, middle, top) | " << ms(scrollStallMs)
        << " | < 16 ms |\n";
    out << "| RSS at the end | " << QString::number(endRss, 'f', 0) << " MiB | |\n";
    out.flush();
    return 0;
}
