#pragma once

namespace inkstream::app {

// `inkstream replay FILE [--speed X] [--paused]`: a recording in the window, with a timeline
// to play, pause, change speed, seek and step between files.
class ReplayCommand final
{
public:
    static int run(int argc, char *argv[]);
};

} // namespace inkstream::app
