#include "ui/codeblockview.h"

#include "ui/highlighting/codetheme.h"
#include "ui/highlighting/languagerules.h"
#include "ui/highlighting/rulehighlighter.h"
#include "ui/themenotifier.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextCursor>
#include <QTimer>
#include <QVBoxLayout>

namespace inkstream::ui {

namespace {
constexpr int kMaxVisibleLines = 18;
}

CodeBlockView::CodeBlockView(const QString &code, const QString &language, QWidget *parent)
    : QFrame(parent)
    , m_view(new QPlainTextEdit(this))
    , m_copy(new QPushButton(tr("Copy"), this))
{
    setObjectName(QStringLiteral("codeBlock"));
    auto *languageLabel = new QLabel(language.isEmpty() ? tr("code") : language, this);
    QFont small = languageLabel->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    languageLabel->setFont(small);
    m_copy->setFont(small);
    m_copy->setAccessibleName(tr("Copy code"));
    m_copy->setCursor(Qt::PointingHandCursor);

    m_view->setReadOnly(true);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_highlighter = new RuleHighlighter(LanguageRules::forLanguage(language), m_view->document());
    applyTheme(); // before the text: nothing to highlight twice
    m_view->setPlainText(code);
    fitHeight();
    connect(ThemeNotifier::instance(), &ThemeNotifier::themeChanged, this,
            &CodeBlockView::applyTheme);

    auto *header = new QHBoxLayout;
    header->setContentsMargins(8, 4, 4, 0);
    header->addWidget(languageLabel);
    header->addStretch(1);
    header->addWidget(m_copy);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(1, 1, 1, 1);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(m_view);

    connect(m_copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(this->code());
        m_copy->setText(tr("Copied ✓"));
        QTimer::singleShot(1500, m_copy, [copy = m_copy] { copy->setText(tr("Copy")); });
    });
}

QString CodeBlockView::code() const
{
    return m_view->toPlainText();
}

void CodeBlockView::setCode(const QString &code)
{
    const QString shown = m_view->toPlainText();
    if (code == shown)
        return;
    if (code.startsWith(shown)) {
        QTextCursor end(m_view->document());
        end.movePosition(QTextCursor::End);
        end.insertText(code.mid(shown.size()));
    } else {
        m_view->setPlainText(code);
    }
    fitHeight();
}

void CodeBlockView::fitHeight()
{
    const int lines = qMin(m_view->document()->blockCount(), kMaxVisibleLines);
    m_view->setFixedHeight(m_view->fontMetrics().lineSpacing() * lines + 12);
}

void CodeBlockView::applyTheme()
{
    const CodeTheme &theme = CodeTheme::current();
    setStyleSheet(QStringLiteral("#codeBlock { background: %1; border: 1px solid %2; "
                                 "border-radius: 6px; }")
                      .arg(theme.background.name(), theme.lineNumber.name()));
    QPalette palette = m_view->palette();
    palette.setColor(QPalette::Base, theme.background);
    palette.setColor(QPalette::Text, theme.text);
    m_view->setPalette(palette);
    m_highlighter->rehighlight();
}

} // namespace inkstream::ui
