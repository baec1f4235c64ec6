#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

class QWidget;

namespace inkstream::core {
class SessionModel;
}

namespace inkstream::ui {

class DisplayPacer;
class FileDocuments;

// Saving what the window shows: one file (Ctrl+S, asking first while the AI still writes it),
// every file into a folder (Ctrl+Shift+S, saying which were still being written), and the
// question before something replaces the reader's edits. The text saved is the documents' (the
// reader's edits included); files the reader rejected are left out.
class FileExporter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileExporter)

public:
    // `window` parents the dialogs.
    FileExporter(core::SessionModel *model, FileDocuments *documents, DisplayPacer *pacer,
                 QWidget *window);

    // Asks for a folder and saves every file there; false when cancelled or not all saved.
    bool saveAll();
    // Saves every file under `directory` (never outside it); returns how many, `errors` the rest.
    int saveAllTo(const QString &directory, QStringList *errors);
    // Asks for a path and saves file `fileIndex` there.
    void saveFile(int fileIndex);
    // Before `action` replaces the window's files: true when there are no edits, or the reader
    // saved or discarded them; false when they cancelled.
    bool confirmLeavingEdits(const QString &action);

    // Where the save dialogs start: the last folder saved to, else Documents, else home.
    static QString lastSaveDirectory();

Q_SIGNALS:
    // What was done, for the status bar ("Saved 3 files to …").
    void reported(const QString &message);

private:
    core::SessionModel *m_model = nullptr;
    FileDocuments *m_documents = nullptr;
    DisplayPacer *m_pacer = nullptr;
    QWidget *m_window = nullptr;
};

} // namespace inkstream::ui
