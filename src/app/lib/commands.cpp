#include "app/lib/commands.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>

#include "app/lib/user_import.hpp"
#include "base/strings.hpp"
#include "sip/auth/digest_hash.hpp"
#include "store/password.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/validation.hpp"

namespace parley::app {

namespace {

namespace fs = std::filesystem;
using sip::auth::Algorithm;
using sip::auth::compute_ha1;


[[noreturn]] void error(const std::string& message) { throw CommandError(message); }

void check(const store::StoreStatus& s) {
  if (!s.ok()) error(s.error().message);
}

template <typename T>
T check(store::StoreResult<T> r) {
  if (!r.ok()) error(r.error().message);
  return std::move(r.value());
}

// Names are case-insensitive and stored lower-case.
std::string checked_name(std::string_view what, std::string_view raw) {
  std::string name = to_lower(raw);
  if (!store::is_valid_name(name)) {
    error(std::string(what) + " " + in_quotes(raw) + " is not valid: it must match " +
          std::string(store::kNameRule) +
          " (letters, digits, '.', '_', '-'; starting with a letter or digit; at most 64)");
  }
  return name;
}

void check_password(const std::string& password) {
  if (password.empty()) error("the password must not be empty");
}

store::NewSipAccount sip_account(const Config& config, const std::string& username,
                                 const std::string& password) {
  const std::string& realm = config.sip.domain;
  return {username, realm, compute_ha1(Algorithm::Md5, username, realm, password),
          compute_ha1(Algorithm::Sha256, username, realm, password)};
}

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The store's message for `code` names ids; the command line names names.
void check_or_say(const store::StoreStatus& s, store::StoreErrorCode code,
                  const std::string& message) {
  if (!s.ok() && s.error().code == code) error(message);
  check(s);
}

store::Room find_room(CommandContext& c, const std::string& raw_name) {
  return check(c.store->rooms().find(checked_name("room name", raw_name)));
}

store::User find_user(CommandContext& c, const std::string& raw_name) {
  return check(c.store->users().find(checked_name("user name", raw_name)));
}

// chat/room_address.hpp's scheme; app/ does not link chat/.
std::string room_uri(const CommandContext& c, const std::string& name) {
  return "sip:~" + name + "@" + c.config.sip.domain;
}

std::string_view role_text(store::RoomRole role) {
  switch (role) {
    case store::RoomRole::Owner: return "owner";
    case store::RoomRole::Admin: return "admin";
    case store::RoomRole::Member: break;
  }
  return "member";
}

}  // namespace

CommandContext open_context(const fs::path& data_dir, const std::optional<fs::path>& config_file,
                            std::ostream& out, bool open_store) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) error("cannot create data directory " + data_dir.string() + ": " + ec.message());
  Config config;
  if (config_file) {
    config = load_config(*config_file);
  } else if (fs::exists(data_dir / "parley.toml")) {
    config = load_config(data_dir / "parley.toml");
  }
  CommandContext c{data_dir, std::move(config), out, nullptr};
  // The server reads every page at start; a command that changes a few rows
  // should not take seconds on a large history.
  if (open_store) {
    c.store = store::sqlite::open_sqlite_store(resolve_store_path(c.config, data_dir),
                                               store::sqlite::OpenCheck::Schema);
  }
  return c;
}

void user_add(CommandContext& c, const std::string& raw_name, const std::string& password,
              const std::string& display_name) {
  const std::string name = checked_name("user name", raw_name);
  check_password(password);
  check(c.store->users().add(store::NewUser{name, display_name, store::hash_web_password(password)}));
  c.out << "added user " << name << "\n";
}

void user_passwd(CommandContext& c, const std::string& raw_name, const std::string& password) {
  const std::string name = checked_name("user name", raw_name);
  check_password(password);
  check(c.store->users().set_web_password_hash(name, store::hash_web_password(password)));
  c.out << "changed the web password of " << name << "\n";
}

void user_remove(CommandContext& c, const std::string& raw_name) {
  const std::string name = checked_name("user name", raw_name);
  check(c.store->users().remove(name));
  c.out << "removed user " << name << "\n";
}

void user_list(CommandContext& c) {
  for (const auto& u : check(c.store->users().list())) {
    c.out << u.name << "\t" << u.display_name << "\n";
  }
}

void user_import(CommandContext& c, const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) error("cannot read " + file.string());
  const auto start = std::chrono::steady_clock::now();
  auto summary = import_users(*c.store, in, c.config.sip.domain);
  if (!summary.ok()) error(file.string() + ": " + summary.error() + " (nothing imported)");
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", took.count());
  c.out << "imported " << summary->users << " users and " << summary->accounts
        << " SIP accounts in " << seconds << " s\n";
}

void identity_add(CommandContext& c, const std::string& raw_name, const std::string& kind,
                  const std::string& value, const std::string& password) {
  const std::string name = checked_name("user name", raw_name);
  const UserId owner = check(c.store->users().find(name)).id;
  if (kind == "sip") {
    const std::string username = checked_name("SIP username", value);
    check_password(password);
    check(c.store->accounts().add(owner, sip_account(c.config, username, password)));
    c.out << "added SIP account " << username << " (sip:" << username << "@"
          << c.config.sip.domain << ") to " << name << "\n";
  } else {
    if (!store::is_valid_e164(value)) {
      error("number " + in_quotes(value) + " is not valid: it must be + then 3 to 15 digits (E.164)");
    }
    check(c.store->numbers().add(owner, value));
    c.out << "added number " << value << " to " << name << "\n";
  }
}

void identity_remove(CommandContext& c, const std::string& raw_name, const std::string& kind,
                     const std::string& value) {
  const std::string name = checked_name("user name", raw_name);
  const UserId owner = check(c.store->users().find(name)).id;
  if (kind == "sip") {
    check(c.store->accounts().remove(owner, to_lower(value)));
    c.out << "removed SIP account " << to_lower(value) << " from " << name << "\n";
  } else {
    check(c.store->numbers().remove(owner, value));
    c.out << "removed number " << value << " from " << name << "\n";
  }
}

void identity_list(CommandContext& c, const std::string& raw_name) {
  const std::string name = checked_name("user name", raw_name);
  const UserId owner = check(c.store->users().find(name)).id;
  for (const auto& a : check(c.store->accounts().list_for_user(owner))) {
    c.out << "sip\t" << a.username << "\n";
  }
  for (const auto& n : check(c.store->numbers().list_for_user(owner))) {
    c.out << "tel\t" << n.number << "\n";
  }
}

void room_add(CommandContext& c, const std::string& raw_name, const std::string& owner,
              const std::string& title, const std::string& topic, bool invite_only) {
  const std::string name = checked_name("room name", raw_name);
  const store::User user = find_user(c, owner);
  const auto visibility = invite_only ? store::RoomVisibility::Invite : store::RoomVisibility::Public;
  check(c.store->rooms().add(store::NewRoom{name, title, topic, user.id, visibility}, unix_now_ms()));
  c.out << "added room " << name << " (" << room_uri(c, name) << "), owner " << user.name << "\n";
}

void room_remove(CommandContext& c, const std::string& raw_name) {
  const store::Room room = find_room(c, raw_name);
  check(c.store->rooms().remove(room.id));
  c.out << "removed room " << room.name << " with its members and history\n";
}

void room_list(CommandContext& c) {
  std::map<UserId, std::string> names;
  for (auto& u : check(c.store->users().list())) names.emplace(u.id, std::move(u.name));
  std::map<store::RoomId, std::size_t> counts;
  for (const auto& m : check(c.store->rooms().all_memberships())) ++counts[m.room];
  for (const auto& r : check(c.store->rooms().list_all())) {
    const auto owner = names.find(r.owner);
    c.out << r.name << "\t"
          << (r.visibility == store::RoomVisibility::Invite ? "invite-only" : "public") << "\t"
          << (owner == names.end() ? "-" : owner->second) << "\t" << counts[r.id] << "\n";
  }
}

void room_member_add(CommandContext& c, const std::string& raw_room, const std::string& raw_user,
                     bool admin) {
  const store::Room room = find_room(c, raw_room);
  const store::User user = find_user(c, raw_user);
  const auto role = admin ? store::RoomRole::Admin : store::RoomRole::Member;
  check_or_say(c.store->rooms().add_member(room.id, user.id, role, unix_now_ms()),
               store::StoreErrorCode::Duplicate,
               user.name + " is already a member of room " + room.name);
  c.out << "added " << user.name << " to room " << room.name << " as " << role_text(role) << "\n";
}

void room_member_remove(CommandContext& c, const std::string& raw_room,
                        const std::string& raw_user) {
  const store::Room room = find_room(c, raw_room);
  const store::User user = find_user(c, raw_user);
  // An owner outside its own room would own what it cannot read; the way to
  // part with a room is to remove it.
  if (room.owner == user.id) {
    error(user.name + " owns room " + room.name + " and cannot leave it (remove the room instead)");
  }
  check_or_say(c.store->rooms().remove_member(room.id, user.id), store::StoreErrorCode::NotFound,
               user.name + " is not a member of room " + room.name);
  c.out << "removed " << user.name << " from room " << room.name << "\n";
}

void room_members(CommandContext& c, const std::string& raw_room) {
  const store::Room room = find_room(c, raw_room);
  for (const auto& m : check(c.store->rooms().members(room.id))) {
    c.out << m.user_name << "\t" << role_text(m.role) << "\n";
  }
}

}  // namespace parley::app
