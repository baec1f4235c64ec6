#pragma once

namespace inkstream::app {

// The desktop application: `inkstream`, `inkstream --demo`, `inkstream --connect URL`.
class GuiCommand final
{
public:
    static int run(int argc, char *argv[]);
};

} // namespace inkstream::app
