// Entry point: hands the command line to the application (app/lib/cli).
#include "app/lib/cli.hpp"

int main(int argc, char** argv) { return parley::app::run_cli(argc, argv); }
