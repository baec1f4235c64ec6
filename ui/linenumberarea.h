#pragma once

#include <QWidget>

namespace inkstream::ui {

class CodeEditor;

// The gutter of a CodeEditor; the editor paints it (it knows the block geometry).
class LineNumberArea final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LineNumberArea)

public:
    explicit LineNumberArea(CodeEditor *editor);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    CodeEditor *m_editor = nullptr;
};

} // namespace inkstream::ui
