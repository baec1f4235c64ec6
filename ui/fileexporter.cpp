#include "ui/fileexporter.h"

#include "core/client/outputdirectory.h"
#include "core/model/sessionmodel.h"
#include "ui/counttext.h"
#include "ui/displaypacer.h"
#include "ui/filedocuments.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>

namespace inkstream::ui {

FileExporter::FileExporter(core::SessionModel *model, FileDocuments *documents, DisplayPacer *pacer,
                           QWidget *window)
    : QObject(window)
    , m_model(model)
    , m_documents(documents)
    , m_pacer(pacer)
    , m_window(window)
{ }

bool FileExporter::confirmLeavingEdits(const QString &action)
{
    const int edited = m_documents->userEditedCount();
    if (edited == 0)
        return true;
    QMessageBox box(QMessageBox::Warning, action,
                    tr("You edited %1 of this session.")
                        .arg(CountText::of(edited, tr("1 file"), tr("%1 files"))),
                    QMessageBox::SaveAll | QMessageBox::Discard | QMessageBox::Cancel, m_window);
    box.setObjectName(QStringLiteral("leaveEditsBox"));
    box.setInformativeText(
        tr("%1 replaces what the window shows. Save the files first, or discard your edits?")
            .arg(action));
    box.setDefaultButton(QMessageBox::SaveAll);
    switch (box.exec()) {
    case QMessageBox::SaveAll:
        return saveAll();
    case QMessageBox::Discard:
        return true;
    default:
        return false;
    }
}

QString FileExporter::lastSaveDirectory()
{
    QString last = QSettings().value(QStringLiteral("lastSaveDirectory")).toString();
    if (!last.isEmpty() && QFileInfo(last).isDir())
        return last;
    const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return QFileInfo(documents).isDir() ? documents : QDir::homePath();
}

bool FileExporter::saveAll()
{
    if (m_model->files().isEmpty()) {
        Q_EMIT reported(tr("There are no files to save yet."));
        return true;
    }
    QSettings settings;
    const QString directory
        = QFileDialog::getExistingDirectory(m_window, tr("Save All Files To"), lastSaveDirectory());
    if (directory.isEmpty())
        return false;
    settings.setValue(QStringLiteral("lastSaveDirectory"), directory);
    QStringList errors;
    const int saved = saveAllTo(directory, &errors);
    if (!errors.isEmpty()) {
        QMessageBox::warning(m_window, tr("Save All Files"),
                             tr("Some files were not saved:\n%1").arg(errors.join(u'\n')));
    }
    qsizetype writing = 0;
    for (const core::SessionFile &file : m_model->files())
        writing += file.state == core::FileState::Writing ? 1 : 0;
    QString message
        = tr("Saved %1 to %2").arg(CountText::of(saved, tr("1 file"), tr("%1 files")), directory);
    if (writing > 0) // said, not hidden: those files are not finished
        message += writing == 1
            ? tr(" (1 still being written: saved as far as it arrived)")
            : tr(" (%1 still being written: saved as far as they arrived)").arg(writing);
    Q_EMIT reported(message);
    return errors.isEmpty();
}

int FileExporter::saveAllTo(const QString &directory, QStringList *errors)
{
    core::OutputDirectory output(directory);
    QString error;
    if (!output.open(&error)) {
        *errors << error;
        return 0;
    }
    int saved = 0;
    for (int i = 0; i < m_model->files().size(); ++i) {
        const core::SessionFile &file = m_model->files().at(i);
        if (m_pacer->isRejected(file.name))
            continue;
        if (output.write(file.name, m_documents->text(i).toUtf8(), &error))
            ++saved;
        else
            *errors << file.name + QStringLiteral(": ") + error;
    }
    return saved;
}

void FileExporter::saveFile(int fileIndex)
{
    if (fileIndex < 0 || fileIndex >= m_model->files().size())
        return;
    const core::SessionFile &file = m_model->files().at(fileIndex);
    if (file.state == core::FileState::Writing
        && QMessageBox::question(
               m_window, tr("Save %1").arg(file.name),
               tr("The AI is still writing %1. Save what has arrived so far?").arg(file.name),
               QMessageBox::Save | QMessageBox::Cancel, QMessageBox::Cancel)
            != QMessageBox::Save)
        return;
    const QString suggested = lastSaveDirectory() + u'/' + file.name.section(u'/', -1);
    const QString path
        = QFileDialog::getSaveFileName(m_window, tr("Save %1").arg(file.name), suggested);
    if (path.isEmpty())
        return;
    QSaveFile out(path);
    const QByteArray bytes = m_documents->text(fileIndex).toUtf8();
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit()) {
        QMessageBox::warning(m_window, tr("Save"),
                             tr("Could not save %1: %2").arg(path, out.errorString()));
        return;
    }
    Q_EMIT reported(tr("Saved %1").arg(path));
}

} // namespace inkstream::ui
