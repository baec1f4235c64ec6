#include "ui/conflictresolver.h"

#include "core/model/sessionmodel.h"
#include "ui/conflictbar.h"
#include "ui/diffdialog.h"
#include "ui/editorpane.h"
#include "ui/filedocuments.h"
#include "ui/filefollower.h"

namespace inkstream::ui {

ConflictResolver::ConflictResolver(core::SessionModel *model, FileDocuments *documents,
                                   FileFollower *follower, EditorPane *editorPane, QWidget *window)
    : QObject(window)
    , m_model(model)
    , m_documents(documents)
    , m_follower(follower)
    , m_editorPane(editorPane)
    , m_window(window)
{
    connect(m_documents, &FileDocuments::conflictDetected, this,
            &ConflictResolver::onConflictDetected);
    connect(m_documents, &FileDocuments::conflictResolved, this, &ConflictResolver::updateBar);
    connect(m_follower, &FileFollower::fileShown, this, &ConflictResolver::updateBar);
    ConflictBar *bar = m_editorPane->conflictBar();
    connect(bar, &ConflictBar::keepMineRequested, this, [this] { resolve(true); });
    connect(bar, &ConflictBar::takeTheirsRequested, this, [this] { resolve(false); });
    connect(bar, &ConflictBar::diffRequested, this, &ConflictResolver::showDiff);
}

void ConflictResolver::onConflictDetected(int fileIndex)
{
    Q_EMIT reported(tr("The AI is rewriting %1, which you edited: choose which version to keep.")
                        .arg(m_model->files().at(fileIndex).name));
    if (m_follower->isFollowing() || fileIndex == m_follower->currentFile())
        m_follower->showFile(fileIndex);
    updateBar();
}

void ConflictResolver::updateBar()
{
    const int current = m_follower->currentFile();
    if (current >= 0 && m_documents->hasConflict(current))
        m_editorPane->conflictBar()->showFor(m_model->files().at(current).name);
    else
        m_editorPane->conflictBar()->hide();
}

void ConflictResolver::resolve(bool keepMine)
{
    const int current = m_follower->currentFile();
    if (current < 0 || !m_documents->hasConflict(current))
        return;
    m_documents->resolveConflict(
        current, keepMine ? FileDocuments::Choice::KeepMine : FileDocuments::Choice::TakeTheirs);
    updateBar();
}

void ConflictResolver::showDiff()
{
    const int current = m_follower->currentFile();
    if (current < 0 || !m_documents->hasConflict(current))
        return;
    const core::SessionFile &file = m_model->files().at(current);
    DiffDialog dialog(tr("Your %1 and the AI's").arg(file.name), m_documents->userText(current),
                      file.content, true, m_window);
    const int result = dialog.exec();
    if (result == DiffDialog::KeepMine)
        resolve(true);
    else if (result == DiffDialog::TakeTheirs)
        resolve(false);
}

} // namespace inkstream::ui
