#include "ui/editorpane.h"

#include "ui/apptheme.h"
#include "ui/codeeditor.h"
#include "ui/conflictbar.h"
#include "ui/findbar.h"
#include "ui/highlighting/codetheme.h"
#include "ui/themenotifier.h"
#include "ui/writingbadge.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextDocumentLayout>
#include <QPushButton>
#include <QStackedWidget>
#include <QTextDocument>
#include <QVBoxLayout>

namespace inkstream::ui {

EditorPane::EditorPane(QWidget *parent)
    : QWidget(parent)
    , m_editor(new CodeEditor(this))
    , m_badge(new WritingBadge(this))
    , m_conflictBar(new ConflictBar(this))
    , m_findBar(new FindBar(m_editor, this))
    , m_jumpToLive(new QPushButton(tr("↓ Jump to Live"), this))
    , m_title(new QLabel(this))
    , m_language(new QLabel(this))
    , m_hint(new QLabel(this))
    , m_error(new QLabel(this))
    , m_stack(new QStackedWidget(this))
    , m_emptyDocument(new QTextDocument(this))
{
    m_emptyDocument->setDocumentLayout(new QPlainTextDocumentLayout(m_emptyDocument));

    auto *header = new QWidget(this);
    header->setObjectName(QStringLiteral("editorHeader"));
    header->setAutoFillBackground(true);
    header->setBackgroundRole(QPalette::Window);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_language->setForegroundRole(QPalette::PlaceholderText);

    auto *headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(12, 6, 12, 6);
    headerLayout->addWidget(m_title);
    headerLayout->addWidget(m_language);
    headerLayout->addWidget(m_error, 1);
    headerLayout->addStretch(1);
    headerLayout->addWidget(m_jumpToLive);
    headerLayout->addWidget(m_badge);
    // The header keeps its height when the badge goes, so the code below does not jump.
    header->setMinimumHeight(m_badge->sizeHint().height() + 12);
    // A long file name gives way (it is in the tooltip) before the editor gets narrower.
    m_title->setMinimumWidth(60);
    m_error->setObjectName(QStringLiteral("fileError"));
    m_error->setTextFormat(Qt::PlainText);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setAccessibleName(tr("File error"));
    m_error->hide();
    m_jumpToLive->setToolTip(tr("Follow the text the AI is writing again"));
    m_jumpToLive->hide();
    connect(m_jumpToLive, &QPushButton::clicked, m_editor, &CodeEditor::jumpToLive);
    connect(m_editor, &CodeEditor::followingChanged, this, &EditorPane::updateJumpToLive);

    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setWordWrap(true);
    m_hint->setAutoFillBackground(true);
    applyTheme();
    connect(ThemeNotifier::instance(), &ThemeNotifier::themeChanged, this, &EditorPane::applyTheme);
    m_hint->setText(tr("Waiting for the AI to start writing…"));

    m_stack->addWidget(m_hint);
    m_stack->addWidget(m_editor);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(header);
    layout->addWidget(m_conflictBar);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_findBar);
    showDocument(nullptr, {}, {});
}

void EditorPane::applyTheme()
{
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(QPalette::WindowText, AppTheme::errorColor());
    m_error->setPalette(errorPalette);
    QPalette hintPalette = m_hint->palette();
    hintPalette.setColor(QPalette::Window, CodeTheme::current().background);
    hintPalette.setColor(QPalette::WindowText, CodeTheme::current().lineNumber);
    m_hint->setPalette(hintPalette);
}

void EditorPane::showDocument(QTextDocument *document, const QString &fileName,
                              const QString &language)
{
    m_fileName = document ? fileName : QString();
    m_editor->setDocument(document ? document : m_emptyDocument);
    m_editor->noteShownDocument();
    m_language->setText(language);
    setEdited(false);
    setFileError({});
    m_stack->setCurrentWidget(document ? static_cast<QWidget *>(m_editor) : m_hint);
    if (document)
        m_editor->revealInsertionPoint();
}

void EditorPane::setEdited(bool edited)
{
    m_edited = edited && !m_fileName.isEmpty();
    m_title->setToolTip(m_fileName);
    m_title->setText(m_fileName.isEmpty() ? tr("No file")
                         : m_edited       ? tr("%1 (edited)").arg(m_fileName)
                                          : m_fileName);
}

void EditorPane::setFileError(const QString &error)
{
    m_error->setText(error.isEmpty() ? QString() : tr("⚠ %1").arg(error));
    m_error->setToolTip(error);
    m_error->setVisible(!error.isEmpty());
}

QString EditorPane::fileError() const
{
    return m_error->toolTip();
}

void EditorPane::setWriting(bool writing)
{
    m_badge->setActive(writing);
    m_editor->setWriting(writing);
    updateJumpToLive();
}

void EditorPane::updateJumpToLive()
{
    m_jumpToLive->setVisible(m_editor->isWriting() && !m_editor->followsInsertion());
}

void EditorPane::setHint(const QString &hint)
{
    m_hint->setText(hint);
}

QString EditorPane::hint() const
{
    return m_hint->text();
}

} // namespace inkstream::ui
