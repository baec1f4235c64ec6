#pragma once

#include <QLabel>

namespace inkstream::ui {

// A one-line label that ends in "…" when it is narrower than its text, instead of cutting the
// text off mid-word; the whole text is in its tooltip then. Its minimum width is that of the
// ellipsis alone, so a text that changes often never changes the window's minimum size.
class ElidingLabel final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ElidingLabel)

public:
    explicit ElidingLabel(QWidget *parent = nullptr);

    void setFullText(const QString &text);
    QString fullText() const { return m_fullText; }
    bool isElided() const { return text() != m_fullText; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    bool event(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void elide();

    QString m_fullText;
};

} // namespace inkstream::ui
