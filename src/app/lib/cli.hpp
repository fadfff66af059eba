// The `parley` command line: parses arguments, runs one subcommand, returns
// the process exit code (0 success, 1 runtime failure printed as
// "parley: error: ...", 2 usage error). Thread: main.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace parley::app {

int run_cli(int argc, char** argv);
// The same with explicit output streams (tests capture them).
int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err);
// Convenience for tests: `args` without the program name.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace parley::app
