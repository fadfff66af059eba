// The subcommands behind the command line (user, identity, room, config), each a
// function on an opened CommandContext. A runtime failure throws
// CommandError, which run_cli prints as "parley: error: ..." with exit 1.
// Thread: main.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "app/lib/config.hpp"
#include "store/store.hpp"

namespace parley::app {

class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CommandContext {
  std::filesystem::path data_dir;
  Config config;
  std::ostream& out;
  std::unique_ptr<store::Store> store;  // opened by open_context
};

// Creates the data directory, loads the configuration (config_file, or
// DATA/parley.toml if it exists, or defaults) and opens the store.
CommandContext open_context(const std::filesystem::path& data_dir,
                            const std::optional<std::filesystem::path>& config_file,
                            std::ostream& out, bool open_store = true);

void user_add(CommandContext& c, const std::string& name, const std::string& password,
              const std::string& display_name);
void user_passwd(CommandContext& c, const std::string& name, const std::string& password);
void user_remove(CommandContext& c, const std::string& name);
void user_list(CommandContext& c);
void user_import(CommandContext& c, const std::filesystem::path& file);

// kind is "sip" (value = SIP username, password required) or "tel" (value =
// E.164 number).
void identity_add(CommandContext& c, const std::string& name, const std::string& kind,
                  const std::string& value, const std::string& password);
void identity_remove(CommandContext& c, const std::string& name, const std::string& kind,
                     const std::string& value);
void identity_list(CommandContext& c, const std::string& name);

// Rooms (sip:~NAME@DOMAIN). `title` is the display name.
void room_add(CommandContext& c, const std::string& name, const std::string& owner,
              const std::string& title, const std::string& topic, bool invite_only);
void room_remove(CommandContext& c, const std::string& name);
void room_list(CommandContext& c);
void room_member_add(CommandContext& c, const std::string& room, const std::string& user,
                     bool admin);
void room_member_remove(CommandContext& c, const std::string& room, const std::string& user);
void room_members(CommandContext& c, const std::string& room);

}  // namespace parley::app
