#include "ui/diffdialog.h"

#include "core/model/linediff.h"
#include "ui/counttext.h"
#include "ui/highlighting/codetheme.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBlock>
#include <QTextCursor>
#include <QVBoxLayout>

namespace inkstream::ui {

DiffDialog::DiffDialog(const QString &title, const QString &before, const QString &after,
                       bool offerChoice, QWidget *parent)
    : QDialog(parent)
    , m_view(new QPlainTextEdit(this))
{
    setWindowTitle(title);
    m_view->setReadOnly(true);
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setAccessibleName(tr("Differences"));

    QTextCharFormat removed;
    removed.setBackground(CodeTheme::current().removedLine);
    QTextCharFormat added;
    added.setBackground(CodeTheme::current().addedLine);
    QTextCursor cursor(m_view->document());
    const QList<core::LineDiff::Line> lines = core::LineDiff::compute(before, after);
    bool first = true;
    for (const core::LineDiff::Line &line : lines) {
        if (!first)
            cursor.insertBlock();
        first = false;
        QTextBlockFormat blockFormat;
        QString prefix = QStringLiteral("  ");
        if (line.op == core::LineDiff::Op::Removed) {
            blockFormat.setBackground(removed.background());
            prefix = QStringLiteral("- ");
            ++m_removed;
        } else if (line.op == core::LineDiff::Op::Added) {
            blockFormat.setBackground(added.background());
            prefix = QStringLiteral("+ ");
            ++m_added;
        }
        cursor.setBlockFormat(blockFormat);
        cursor.insertText(prefix + line.text);
    }

    auto *summary = new QLabel(tr("%1 removed, %2 added")
                                   .arg(CountText::of(m_removed, tr("1 line"), tr("%1 lines")),
                                        CountText::of(m_added, tr("1 line"), tr("%1 lines"))),
                               this);
    auto *buttons = new QDialogButtonBox(this);
    if (offerChoice) {
        QPushButton *mine = buttons->addButton(tr("Keep Mine"), QDialogButtonBox::AcceptRole);
        QPushButton *theirs = buttons->addButton(tr("Take the AI's"), QDialogButtonBox::AcceptRole);
        connect(mine, &QPushButton::clicked, this, [this] { done(KeepMine); });
        connect(theirs, &QPushButton::clicked, this, [this] { done(TakeTheirs); });
    }
    buttons->addButton(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(summary);
    layout->addWidget(m_view, 1);
    layout->addWidget(buttons);
    resize(900, 600);
}

QString DiffDialog::diffText() const
{
    return m_view->toPlainText();
}

} // namespace inkstream::ui
