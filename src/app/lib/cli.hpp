// The `parley` command line: parses arguments, runs one subcommand, returns
// the process exit code. Thread: main.
#pragma once

namespace parley::app {

int run_cli(int argc, char** argv);

}  // namespace parley::app
