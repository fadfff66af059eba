#include "app/lib/cli.hpp"

#include <CLI/CLI.hpp>

namespace parley::app {

int run_cli(int argc, char** argv) {
  CLI::App app{"parley: a Web-to-SIP gateway"};
  app.require_subcommand(1);
  app.add_subcommand("serve", "run the server");
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace parley::app
