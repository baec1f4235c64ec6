#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace inkstream::ui {

// Keeps the window's heap from holding memory nothing uses. The window's big texts come and go
// (documents given back when nobody looks at them, a late join's megabytes passing through the
// client), and glibc keeps what they free:
// - it serves blocks over its mmap threshold with mappings of their own, returned when freed,
//   but raises the threshold the first time such a block is freed (up to 32 MiB), after which
//   big blocks come from the heap and leave holes there; the threshold is held at 128 KiB;
// - it gives back only the top of its heap by itself: every kCheckMs, when what it holds free has
//   grown by more than kSlackBytes since the last look (pages returned still count as free, so
//   growth is what is new), the free pages are returned (malloc_trim) on a pool thread, once
//   the reader has not pressed a key or a button for kQuietMs: the walk holds the heap's lock
//   for up to ~20 ms, and the GUI thread allocating meanwhile waits for it.
// A 50 MB late join left 53 MiB resident that nothing used without the first, 30 without the
// second. Installed once, before the window; does nothing without glibc.
class HeapUpkeep final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HeapUpkeep)

public:
    static constexpr int kMmapThresholdBytes = 128 * 1024; // glibc's default, held there
    static constexpr int kCheckMs = 2000;
    static constexpr qsizetype kSlackBytes = 16 * 1024 * 1024;
    static constexpr int kQuietMs = 1000;

    // A child of `parent` (the application) for the process's life.
    static void install(QObject *parent);
    // The free bytes the heap holds now (0 without glibc).
    static qsizetype freeBytes();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    explicit HeapUpkeep(QObject *parent);
    void check();

    QTimer m_check;
    QElapsedTimer m_sinceInput; // the reader's last key press or click
    bool m_trimming = false;
    qsizetype m_freeBaseline = 0; // free bytes after the last trim, or the least seen since
};

} // namespace inkstream::ui
