#pragma once

#include <QString>
#include <QStringList>

namespace inkstream::app {

// Qt's own command-line options (-platform, -style, -geometry, -reverse, ... as QGuiApplication
// and QApplication document them) taken out of a window command's arguments, so its parser,
// which runs before any QApplication exists, leaves them to Qt instead of rejecting them.
class QtGuiArguments final
{
public:
    explicit QtGuiArguments(const QStringList &arguments);

    // The arguments without Qt's options: what the command's own parser reads.
    const QStringList &applicationArguments() const { return m_applicationArguments; }
    // Qt's options as given, in order.
    const QStringList &qtArguments() const { return m_qtArguments; }
    // -platform's value ("offscreen", "xcb;...", ...); empty when not given.
    const QString &platform() const { return m_platform; }

private:
    QStringList m_applicationArguments;
    QStringList m_qtArguments;
    QString m_platform;
};

} // namespace inkstream::app
