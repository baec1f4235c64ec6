#pragma once

#include <QAbstractListModel>
#include <QIcon>

namespace inkstream::core {
class SessionModel;
}

namespace inkstream::ui {

// The files of a SessionModel as a Qt list model for the file list: name, a state icon
// (writing / complete / error) and a tooltip with language, size and state.
class FileListModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileListModel)

public:
    enum Role { StateRole = Qt::UserRole + 1, LanguageRole };

    explicit FileListModel(core::SessionModel *model, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    void onFileAdded(int fileIndex);
    void onFileStateChanged(int fileIndex);
    void onModelReset();

    core::SessionModel *m_model = nullptr;
    int m_rows = 0; // what the views were told, so inserts are announced before they count
    QIcon m_writingIcon;
    QIcon m_completeIcon;
    QIcon m_errorIcon;
};

} // namespace inkstream::ui
