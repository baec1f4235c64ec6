#include "ui/chatbubble.h"

#include "ui/chatmarkdown.h"
#include "ui/codeblockview.h"
#include "ui/highlighting/codetheme.h"
#include "ui/statusglyph.h"
#include "ui/themenotifier.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>
#include <cmath>

namespace inkstream::ui {

namespace {

// While a message streams, its Markdown is rendered at most this often.
constexpr int kStreamingRenderMs = 50;

QString roleTitle(core::ChatRole role)
{
    switch (role) {
    case core::ChatRole::Assistant:
        return ChatBubble::tr("AI");
    case core::ChatRole::User:
        return ChatBubble::tr("You");
    case core::ChatRole::System:
        return ChatBubble::tr("System");
    case core::ChatRole::Event:
        break;
    }
    return {};
}

QString bubbleStyle(core::ChatRole role)
{
    const bool dark = CodeTheme::current().isDark;
    switch (role) {
    case core::ChatRole::User:
        return dark ? QStringLiteral("ChatBubble { background: #2b5278; border-radius: 10px; }"
                                     "QLabel { color: #f0f4f8; }")
                    : QStringLiteral("ChatBubble { background: #dbeafe; border-radius: 10px; }"
                                     "QLabel { color: #0b2545; }");
    case core::ChatRole::Assistant:
        return dark ? QStringLiteral("ChatBubble { background: #2d2d30; border-radius: 10px; }"
                                     "QLabel { color: #e6e6e6; }")
                    : QStringLiteral("ChatBubble { background: #f1f1f4; border-radius: 10px; }"
                                     "QLabel { color: #1f1f1f; }");
    case core::ChatRole::System:
        return dark ? QStringLiteral("ChatBubble { background: #3a2f1c; border-radius: 10px; }"
                                     "QLabel { color: #f3d9a4; }")
                    : QStringLiteral("ChatBubble { background: #fff4d6; border-radius: 10px; }"
                                     "QLabel { color: #5c4300; }");
    case core::ChatRole::Event:
        break;
    }
    return dark
        ? QStringLiteral("ChatBubble { background: transparent; } QLabel { color: #9d9d9d; }")
        : QStringLiteral("ChatBubble { background: transparent; } QLabel { color: #6b6b6b; }");
}

bool looksUnderWay(const QString &text)
{
    const QString trimmed = text.trimmed();
    return trimmed.endsWith(QLatin1String("...")) || trimmed.endsWith(QChar(0x2026));
}

QLabel *proseLabel(const QString &markdown, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::MarkdownText);
    label->setText(markdown);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    label->setOpenExternalLinks(true);
    return label;
}

} // namespace

ChatBubble::ChatBubble(core::ChatRole role, const QString &text, bool streaming,
                       const QDateTime &timestamp, QWidget *parent)
    : QFrame(parent)
    , m_role(role)
    , m_text(text)
    , m_streaming(streaming)
    , m_body(new QLabel(this))
{
    setStyleSheet(bubbleStyle(role));
    connect(ThemeNotifier::instance(), &ThemeNotifier::themeChanged, this,
            [this] { setStyleSheet(bubbleStyle(m_role)); });
    m_renderTimer.setSingleShot(true);
    m_renderTimer.setInterval(kStreamingRenderMs);
    connect(&m_renderTimer, &QTimer::timeout, this, &ChatBubble::render);
    m_layout = new QVBoxLayout(this);
    m_layout->setSpacing(2);
    m_body->setWordWrap(true);
    m_body->setTextFormat(Qt::PlainText);
    m_body->setTextInteractionFlags(Qt::TextSelectableByMouse);

    if (role == core::ChatRole::Event) {
        m_layout->setContentsMargins(8, 0, 8, 0);
        QFont small = m_body->font();
        small.setPointSizeF(small.pointSizeF() * 0.9);
        m_body->setFont(small);
        m_body->setWordWrap(false); // one short line; wrapping would squeeze it between stretches
        m_glyph = new QWidget(this);
        m_glyph->setFixedSize(14, 14);
        m_glyph->installEventFilter(this);
        auto *row = new QHBoxLayout;
        row->addStretch(1);
        row->addWidget(m_glyph);
        row->addWidget(m_body);
        row->addStretch(1);
        m_layout->addLayout(row);
        m_spin.setInterval(50);
        connect(&m_spin, &QTimer::timeout, this, [this] {
            m_phase = std::fmod(m_phase + 0.06, 1.0);
            m_glyph->update();
        });
        setUnderWay(looksUnderWay(text));
    } else {
        m_layout->setContentsMargins(10, 6, 10, 8);
        auto *title = new QLabel(roleTitle(role), this);
        QFont bold = title->font();
        bold.setBold(true);
        bold.setPointSizeF(bold.pointSizeF() * 0.85);
        title->setFont(bold);
        auto *time = new QLabel(
            timestamp.isValid() ? timestamp.toString(QStringLiteral("HH:mm")) : QString(), this);
        QFont small = time->font();
        small.setPointSizeF(small.pointSizeF() * 0.8);
        time->setFont(small);
        time->setToolTip(timestamp.toString(Qt::TextDate));
        auto *header = new QHBoxLayout;
        header->addWidget(title);
        header->addStretch(1);
        header->addWidget(time);
        m_layout->addLayout(header);
        m_layout->addWidget(m_body);
    }
    refresh();
}

void ChatBubble::appendText(const QString &delta)
{
    m_text += delta;
    if (m_role == core::ChatRole::Event && looksUnderWay(m_text))
        setUnderWay(true);
    refresh();
}

void ChatBubble::setStreaming(bool streaming)
{
    if (m_streaming == streaming)
        return;
    m_streaming = streaming;
    refresh();
}

void ChatBubble::setUnderWay(bool underWay)
{
    if (!m_glyph)
        return;
    m_underWay = underWay;
    if (underWay)
        m_spin.start();
    else
        m_spin.stop();
    m_glyph->update();
}

QString ChatBubble::shownText() const
{
    return m_body->text();
}

int ChatBubble::codeBlockCount() const
{
    return int(findChildren<CodeBlockView *>().size());
}

void ChatBubble::refresh()
{
    if (m_role != core::ChatRole::Event && m_role != core::ChatRole::User) {
        // The first text and the final one at once; in between, at most a render every
        // kStreamingRenderMs (each parses the Markdown of the segment that grows).
        if (!m_rendered || !m_streaming) {
            m_renderTimer.stop();
            render();
        } else if (!m_renderTimer.isActive()) {
            m_renderTimer.start();
        }
        return;
    }
    QString shown = m_text;
    if (m_role == core::ChatRole::Event) {
        // The glyph beside it already shows the outcome: "✓ Created x" would read "✓ ✓ Created x".
        const QString trimmed = shown.trimmed();
        if (!trimmed.isEmpty()
            && (trimmed.front() == QChar(0x2713) || trimmed.front() == QChar(0x2714)
                || trimmed.front() == QChar(0x2717) || trimmed.front() == QChar(0x2715)))
            shown = trimmed.mid(1).trimmed();
    }
    m_body->setText(m_streaming ? shown + QStringLiteral(" ▍") : shown);
}

void ChatBubble::render()
{
    // Prose as Markdown, fenced blocks as highlighted code views.
    if (!m_rich) {
        m_rich = new QWidget(this);
        auto *layout = new QVBoxLayout(m_rich);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(6);
        m_body->hide();
        m_layout->addWidget(m_rich);
    }
    QList<ChatMarkdown::Segment> segments = ChatMarkdown::split(m_text);
    if (m_streaming) { // the typing cursor, after the prose being written
        if (segments.isEmpty())
            segments.append(ChatMarkdown::Segment {});
        if (!segments.last().isCode)
            segments.last().text += QStringLiteral(" ▍");
    }
    QLayout *layout = m_rich->layout();
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const ChatMarkdown::Segment &segment = segments.at(i);
        const bool shown = i < m_segments.size();
        if (shown && m_segments.at(i) == segment)
            continue;
        QWidget *existing = shown ? layout->itemAt(int(i))->widget() : nullptr;
        if (existing && m_segments.at(i).isCode == segment.isCode
            && m_segments.at(i).info == segment.info) {
            if (segment.isCode)
                static_cast<CodeBlockView *>(existing)->setCode(segment.text);
            else
                static_cast<QLabel *>(existing)->setText(segment.text);
            continue;
        }
        QWidget *fresh = segment.isCode ? static_cast<QWidget *>(new CodeBlockView(
                             segment.text, ChatMarkdown::languageForInfo(segment.info), m_rich))
                                        : proseLabel(segment.text, m_rich);
        if (existing) {
            delete layout->replaceWidget(existing, fresh);
            delete existing;
        } else {
            layout->addWidget(fresh);
        }
    }
    while (layout->count() > segments.size()) {
        QLayoutItem *item = layout->takeAt(layout->count() - 1);
        delete item->widget();
        delete item;
    }
    m_segments = segments;
    m_rendered = true;
}

bool ChatBubble::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_glyph && event->type() == QEvent::Paint) {
        QPainter painter(m_glyph);
        const bool failed = m_text.trimmed().startsWith(QChar(0x2717))
            || m_text.trimmed().startsWith(QChar(0x2715));
        if (m_underWay)
            StatusGlyph::paint(&painter, m_glyph->rect(), StatusGlyph::Kind::Spinner,
                               StatusGlyph::runningColor(), m_phase);
        else
            StatusGlyph::paint(&painter, m_glyph->rect(),
                               failed ? StatusGlyph::Kind::Cross : StatusGlyph::Kind::Check,
                               failed ? StatusGlyph::failedColor() : StatusGlyph::doneColor());
        return true;
    }
    return QFrame::eventFilter(watched, event);
}

} // namespace inkstream::ui
