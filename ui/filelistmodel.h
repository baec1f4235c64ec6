#pragma once

#include <QAbstractListModel>
#include <QHash>
#include <QIcon>
#include <QSet>
#include <QTimer>

namespace inkstream::core {
class SessionModel;
}

namespace inkstream::ui {

// The files of a SessionModel as a Qt list model for the file list: name, a state icon
// (a spinner while the AI writes it, a check when complete, a cross on error), its size in
// bytes and lines (SizeRole, with "edited" once the user changed it), and a tooltip with language,
// size and state. Sizes of files being written refresh a few times a second, not on every delta.
// While the stream is interrupted (setInterrupted) files being written show two still bars instead
// of the spinner.
class FileListModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileListModel)

public:
    enum Role { StateRole = Qt::UserRole + 1, LanguageRole, SizeRole, EditedRole };

    explicit FileListModel(core::SessionModel *model, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    // Files the user changed: marked "edited" in the list.
    void setEdited(int fileIndex, bool edited);
    void setEditedFiles(const QSet<int> &fileIndexes); // all at once, after a reset

    void setInterrupted(bool interrupted);
    bool isInterrupted() const { return m_interrupted; }

    // "1.2 KB · 48 lines"
    static QString sizeText(qsizetype utf8Bytes, int lines);

private:
    qsizetype utf8Bytes(int row) const;
    void onFileAdded(int fileIndex);
    void onFileStateChanged(int fileIndex);
    void onModelReset();
    void animate();
    void updateAnimation();

    core::SessionModel *m_model = nullptr;
    int m_rows = 0; // what the views were told, so inserts are announced before they count
    QTimer m_animation;
    qreal m_phase = 0;
    bool m_interrupted = false;
    QSet<int> m_edited; // file indexes
    mutable QHash<int, qsizetype> m_utf8Bytes; // file index -> its text's size in UTF-8
};

} // namespace inkstream::ui
