#include "app/ssedumpcommand.h"

#include <QTextStream>

namespace inkstream::app {

// Placeholder until the command lands; exits 2 so no caller mistakes it for success.
int SseDumpCommand::run(const QStringList &arguments)
{
    QTextStream(stderr) << arguments.value(1) << ": not built yet\n";
    return 2;
}

} // namespace inkstream::app
