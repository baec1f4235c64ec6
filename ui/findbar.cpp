#include "ui/findbar.h"

#include "ui/searchabletext.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTextCursor>
#include <QToolButton>

namespace inkstream::ui {

FindBar::FindBar(QPlainTextEdit *editor, QWidget *parent)
    : QWidget(parent)
    , m_editor(editor)
    , m_field(new QLineEdit(this))
    , m_status(new QLabel(this))
    , m_text(new SearchableText(this))
{
    m_field->setPlaceholderText(tr("Find in file"));
    m_field->setAccessibleName(tr("Find in file"));
    m_field->setClearButtonEnabled(true);
    m_field->installEventFilter(this);
    auto *previous = new QToolButton(this);
    previous->setText(tr("Previous"));
    previous->setToolTip(tr("Find previous (Shift+Enter)"));
    auto *next = new QToolButton(this);
    next->setText(tr("Next"));
    next->setToolTip(tr("Find next (Enter)"));
    auto *close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setToolTip(tr("Close (Escape)"));
    close->setAccessibleName(tr("Close find bar"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(m_field, 1);
    layout->addWidget(m_status);
    layout->addWidget(previous);
    layout->addWidget(next);
    layout->addWidget(close);

    connect(m_field, &QLineEdit::textChanged, this, [this] {
        // Search again from the start of the current match, so typing refines it.
        QTextCursor cursor = m_editor->textCursor();
        cursor.setPosition(cursor.selectionStart());
        m_editor->setTextCursor(cursor);
        findNext();
    });
    connect(m_field, &QLineEdit::returnPressed, this, [this] { findNext(); });
    connect(previous, &QToolButton::clicked, this, [this] { findNext(true); });
    connect(next, &QToolButton::clicked, this, [this] { findNext(); });
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void FindBar::activate()
{
    const QString selected = m_editor->textCursor().selectedText();
    if (!selected.isEmpty() && !selected.contains(QChar::ParagraphSeparator))
        m_field->setText(selected);
    show();
    m_field->setFocus();
    m_field->selectAll();
}

QString FindBar::status() const
{
    return m_status->text();
}

bool FindBar::findNext(bool backwards)
{
    const QString needle = m_field->text();
    m_status->clear();
    if (needle.isEmpty())
        return false;
    // As QPlainTextEdit::find() does, case-insensitively: forward from the end of the current
    // match, backward from before its start; then around from the other end.
    QTextDocument *document = m_editor->document();
    const QTextCursor current = m_editor->textCursor();
    qsizetype at = -1;
    if (backwards) {
        if (current.selectionStart() > 0)
            at = m_text->find(document, needle, current.selectionStart() - 1, true);
        if (at < 0)
            at = m_text->find(document, needle, -1, true);
    } else {
        at = m_text->find(document, needle, current.selectionEnd(), false);
        if (at < 0)
            at = m_text->find(document, needle, 0, false);
    }
    if (at < 0) {
        m_status->setText(tr("Not found"));
        return false;
    }
    QTextCursor match(m_editor->document());
    match.setPosition(int(at));
    match.setPosition(int(at + needle.size()), QTextCursor::KeepAnchor);
    m_editor->setTextCursor(match);
    return true;
}

void FindBar::hideEvent(QHideEvent *event)
{
    m_text->release(); // a copy of the file is no use once the bar is closed
    QWidget::hideEvent(event);
}

bool FindBar::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_field && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Escape) {
            hide();
            m_editor->setFocus();
            return true;
        }
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)
            && (key->modifiers() & Qt::ShiftModifier)) {
            findNext(true);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace inkstream::ui
