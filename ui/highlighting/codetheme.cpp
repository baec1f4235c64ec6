#include "ui/highlighting/codetheme.h"

#include <QFont>

namespace inkstream::ui {

QTextCharFormat CodeTheme::format(Token token) const
{
    QTextCharFormat format;
    switch (token) {
    case Token::Keyword:
        format.setForeground(QColor(0x56, 0x9c, 0xd6));
        break;
    case Token::Type:
        format.setForeground(QColor(0x4e, 0xc9, 0xb0));
        break;
    case Token::String:
        format.setForeground(QColor(0xce, 0x91, 0x78));
        break;
    case Token::Comment:
        format.setForeground(QColor(0x6a, 0x99, 0x55));
        format.setFontItalic(true);
        break;
    case Token::Number:
        format.setForeground(QColor(0xb5, 0xce, 0xa8));
        break;
    case Token::Function:
        format.setForeground(QColor(0xdc, 0xdc, 0xaa));
        break;
    case Token::Preprocessor:
        format.setForeground(QColor(0xc5, 0x86, 0xc0));
        break;
    case Token::Heading:
        format.setForeground(QColor(0x56, 0x9c, 0xd6));
        format.setFontWeight(QFont::Bold);
        break;
    }
    return format;
}

const CodeTheme &CodeTheme::dark()
{
    static const CodeTheme theme {
        QColor(0x1e, 0x1e, 0x1e), QColor(0xd4, 0xd4, 0xd4), QColor(0x85, 0x85, 0x85),
        QColor(0xc6, 0xc6, 0xc6), QColor(0x1e, 0x1e, 0x1e), QColor(0xff, 0xcc, 0x00),
    };
    return theme;
}

} // namespace inkstream::ui
