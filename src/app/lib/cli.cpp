#include "app/lib/cli.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>

#include "app/lib/commands.hpp"
#include "app/lib/serve.hpp"
#include "store/store.hpp"

namespace parley::app {

namespace {

namespace fs = std::filesystem;

// Everything the parsed command line may hold; one instance per run.
struct Args {
  std::string data_dir = "./parley-data";
  std::string config_file;
  std::string name;
  std::string password;
  std::string display_name;
  std::string kind;
  std::string value;
  std::string file;
  std::string room;
  std::string owner;
  std::string title;
  std::string topic;
  bool invite_only = false;
  bool admin = false;
  bool demo = false;
};

struct Commands {
  CLI::App* user_add;
  CLI::App* user_passwd;
  CLI::App* user_remove;
  CLI::App* user_list;
  CLI::App* user_import;
  CLI::App* identity_add;
  CLI::App* identity_remove;
  CLI::App* identity_list;
  CLI::App* room_add;
  CLI::App* room_remove;
  CLI::App* room_list;
  CLI::App* room_member_add;
  CLI::App* room_member_remove;
  CLI::App* room_members;
  CLI::App* serve;
  CLI::App* config_default;
};

CLI::App* add_name(CLI::App* cmd, Args& a) {
  cmd->add_option("NAME", a.name, "user name")->required();
  return cmd;
}

void add_kind_value(CLI::App* cmd, Args& a) {
  cmd->add_option("KIND", a.kind, "sip (a SIP account) or tel (a telephone number)")
      ->required()
      ->check(CLI::IsMember({"sip", "tel"}));
  cmd->add_option("VALUE", a.value, "SIP username, or number as +DIGITS")->required();
}

void add_room_member(CLI::App* cmd, Args& a) {
  cmd->add_option("ROOM", a.room, "room name")->required();
  cmd->add_option("USER", a.name, "user name")->required();
}

void build_room(CLI::App& app, Commands& c, Args& a) {
  auto* room = app.add_subcommand("room", "manage chatrooms (sip:~NAME@DOMAIN) and their members");
  room->require_subcommand(1);
  c.room_add = room->add_subcommand("add", "add a room; its owner becomes its first member");
  c.room_add->add_option("NAME", a.room, "room name")->required();
  c.room_add->add_option("--owner", a.owner, "user who owns the room")->required();
  c.room_add->add_option("--title", a.title, "name shown to members");
  c.room_add->add_option("--topic", a.topic, "the room's topic");
  c.room_add->add_flag("--invite-only", a.invite_only, "only invited users may join");
  c.room_remove = room->add_subcommand("remove", "remove a room with its members and history");
  c.room_remove->add_option("NAME", a.room, "room name")->required();
  c.room_list = room->add_subcommand("list", "list rooms: name, visibility, owner, member count");
  auto* member = room->add_subcommand("member", "add or remove a room's members");
  member->require_subcommand(1);
  c.room_member_add = member->add_subcommand("add", "make a user a member of a room");
  add_room_member(c.room_member_add, a);
  c.room_member_add->add_flag("--admin", a.admin, "as an admin of the room");
  c.room_member_remove = member->add_subcommand("remove", "take a user out of a room");
  add_room_member(c.room_member_remove, a);
  c.room_members = room->add_subcommand("members", "list a room's members and their roles");
  c.room_members->add_option("ROOM", a.room, "room name")->required();
}

Commands build(CLI::App& app, Args& a) {
  Commands c{};
  // Global options are accepted after a subcommand too ("parley user list --data D").
  app.fallthrough();
  app.require_subcommand(1);
  app.add_option("--data", a.data_dir, "data directory, created if missing (holds parley.db)")
      ->capture_default_str();
  app.add_option("--config", a.config_file, "TOML configuration file (default: DATA/parley.toml if present)");

  auto* user = app.add_subcommand("user", "manage users (public identities sip:NAME@DOMAIN)");
  user->require_subcommand(1);
  c.user_add = add_name(user->add_subcommand("add", "add a user"), a);
  c.user_add->add_option("--password", a.password, "web password")->required();
  c.user_add->add_option("--display-name", a.display_name, "name shown to others");
  c.user_passwd = add_name(user->add_subcommand("passwd", "change a user's web password"), a);
  c.user_passwd->add_option("--password", a.password, "new web password")->required();
  c.user_remove = add_name(user->add_subcommand("remove", "remove a user and all its identities"), a);
  c.user_list = user->add_subcommand("list", "list users");
  c.user_import = user->add_subcommand(
      "import", "import users from CSV lines name,web_password,sip_username,sip_password");
  c.user_import->add_option("FILE", a.file, "CSV file")->required();

  auto* identity = app.add_subcommand("identity", "manage a user's SIP accounts and numbers");
  identity->require_subcommand(1);
  c.identity_add = add_name(identity->add_subcommand("add", "add a SIP account or a number"), a);
  add_kind_value(c.identity_add, a);
  c.identity_add->add_option("--password", a.password, "SIP password (sip only)");
  c.identity_remove = add_name(identity->add_subcommand("remove", "remove an identity"), a);
  add_kind_value(c.identity_remove, a);
  c.identity_list = add_name(identity->add_subcommand("list", "list a user's identities"), a);

  build_room(app, c, a);

  c.serve = app.add_subcommand("serve", "run the server");
  c.serve->add_flag("--demo", a.demo, "create the demo community and print its credentials");

  auto* config = app.add_subcommand("config", "configuration helpers");
  config->require_subcommand(1);
  c.config_default =
      config->add_subcommand("default", "print the default configuration (TOML, commented)");
  return c;
}

// Checks CLI11 cannot express; returns a usage message or nothing.
std::optional<std::string> usage_problem(const Commands& c, const Args& a) {
  if (c.identity_add->parsed()) {
    if (a.kind == "sip" && a.password.empty()) return "identity add NAME sip USERNAME needs --password";
    if (a.kind == "tel" && !a.password.empty()) return "--password is only for sip identities";
  }
  return std::nullopt;
}

int run(const Commands& c, const Args& a, std::ostream& out) {
  if (c.config_default->parsed()) {
    out << default_config_toml();
    return 0;
  }
  std::optional<fs::path> config_file;
  if (!a.config_file.empty()) config_file = fs::path(a.config_file);
  const bool serving = c.serve->parsed();
  CommandContext ctx = open_context(a.data_dir, config_file, out, !serving);
  if (serving) return serve(ctx.config, ctx.data_dir, a.demo);
  if (c.user_add->parsed()) user_add(ctx, a.name, a.password, a.display_name);
  if (c.user_passwd->parsed()) user_passwd(ctx, a.name, a.password);
  if (c.user_remove->parsed()) user_remove(ctx, a.name);
  if (c.user_list->parsed()) user_list(ctx);
  if (c.user_import->parsed()) user_import(ctx, a.file);
  if (c.identity_add->parsed()) identity_add(ctx, a.name, a.kind, a.value, a.password);
  if (c.identity_remove->parsed()) identity_remove(ctx, a.name, a.kind, a.value);
  if (c.identity_list->parsed()) identity_list(ctx, a.name);
  if (c.room_add->parsed()) room_add(ctx, a.room, a.owner, a.title, a.topic, a.invite_only);
  if (c.room_remove->parsed()) room_remove(ctx, a.room);
  if (c.room_list->parsed()) room_list(ctx);
  if (c.room_member_add->parsed()) room_member_add(ctx, a.room, a.name, a.admin);
  if (c.room_member_remove->parsed()) room_member_remove(ctx, a.room, a.name);
  if (c.room_members->parsed()) room_members(ctx, a.room);
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"parley: a Web-to-SIP gateway", "parley"};
  Args args;
  const Commands commands = build(app, args);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? 0 : 2;  // --help is success; every other parse error is usage
  }
  if (auto problem = usage_problem(commands, args)) {
    err << "parley: usage: " << *problem << "\nRun with --help for more information.\n";
    return 2;
  }
  try {
    return run(commands, args, out);
  } catch (const std::exception& e) {
    // CommandError, ConfigError, StoreOpenError: all runtime failures.
    err << "parley: error: " << e.what() << "\n";
    return 1;
  }
}

int run_cli(int argc, char** argv) { return run_cli(argc, argv, std::cout, std::cerr); }

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> storage;
  storage.reserve(args.size() + 1);
  storage.emplace_back("parley");
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  return run_cli(static_cast<int>(storage.size()), argv.data(), out, err);
}

}  // namespace parley::app
