#include "app/guicommand.h"

#include <QApplication>
#include <QTextStream>

namespace inkstream::app {

// Placeholder until the GUI lands.
int GuiCommand::run(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QTextStream(stderr) << "GUI: not built yet\n";
    return 2;
}

} // namespace inkstream::app
