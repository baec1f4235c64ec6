#pragma once

#include <QStringList>

namespace inkstream::app {

class ServeCommand final
{
public:
    // arguments[0] is the program, arguments[1] the subcommand name. Returns the exit code.
    static int run(const QStringList &arguments);
};

} // namespace inkstream::app
