#include "app/lib/demo.hpp"

#include <chrono>
#include <sstream>
#include <stdexcept>

#include "sip/auth/digest_hash.hpp"
#include "store/password.hpp"

namespace parley::app {

namespace {

using sip::auth::Algorithm;
using sip::auth::compute_ha1;

struct DemoAccount {
  const char* username;
  const char* password;
};

struct DemoUser {
  const char* name;
  const char* display_name;
  const char* web_password;
  std::vector<DemoAccount> accounts;
};

// Passwords are public on purpose: the demo runs on 127.0.0.1 by default.
const std::vector<DemoUser>& demo_users() {
  static const std::vector<DemoUser> kUsers{
      {"alice", "Alice", "alice-pw", {{"alice", "alice-sip"}, {"alice2", "alice2-sip"}}},
      {"bob", "Bob", "bob-pw", {{"bob", "bob-sip"}}},
      {"carol", "Carol", "carol-pw", {{"carol", "carol-sip"}}},
  };
  return kUsers;
}

// Owner and members are indexes into demo_users(); the members are the first
// `members` demo users (the owner among them).
struct DemoRoom {
  const char* name;
  const char* title;
  const char* topic;
  store::RoomVisibility visibility;
  std::size_t owner;
  std::size_t members;
};

const std::vector<DemoRoom>& demo_rooms() {
  static const std::vector<DemoRoom> kRooms{
      {"lobby", "Lobby", "Say hello", store::RoomVisibility::Public, 0, 3},
      {"random", "", "", store::RoomVisibility::Public, 1, 2},
      {"staff", "", "", store::RoomVisibility::Invite, 0, 1},
  };
  return kRooms;
}

[[noreturn]] void failed(const std::string& what, const store::StoreError& e) {
  throw std::runtime_error("demo: " + what + ": " + e.message);
}

UserId ensure_user(store::Store& store, const DemoUser& u) {
  const std::string hash = store::hash_web_password(u.web_password);
  auto existing = store.users().find(u.name);
  if (existing.ok()) {
    if (auto s = store.users().set_web_password_hash(u.name, hash); !s.ok()) failed(u.name, s.error());
    return existing->id;
  }
  auto id = store.users().add(store::NewUser{u.name, u.display_name, hash});
  if (!id.ok()) failed("add user " + std::string(u.name), id.error());
  return *id;
}

void ensure_account(store::Store& store, UserId owner, const DemoAccount& a,
                    const std::string& realm) {
  const std::string md5 = compute_ha1(Algorithm::Md5, a.username, realm, a.password);
  const std::string sha = compute_ha1(Algorithm::Sha256, a.username, realm, a.password);
  auto existing = store.accounts().find(a.username);
  if (existing.ok()) {
    if (existing->account.user_id != owner) {
      throw std::runtime_error("demo: SIP username \"" + std::string(a.username) +
                               "\" belongs to user \"" + existing->user_name + "\"");
    }
    // The realm follows sip.domain, which may have changed since last start.
    auto s = store.accounts().set_credentials(a.username, realm, md5, sha);
    if (!s.ok()) failed(a.username, s.error());
    return;
  }
  auto id = store.accounts().add(owner, store::NewSipAccount{a.username, realm, md5, sha});
  if (!id.ok()) failed("add SIP account " + std::string(a.username), id.error());
}

// Members are added only with the room: who left a room stays out of it
// on the next start.
void ensure_room(store::Store& store, const DemoRoom& r, const std::vector<UserId>& users) {
  auto existing = store.rooms().find(r.name);
  if (existing.ok()) return;
  if (existing.error().code != store::StoreErrorCode::NotFound) failed(r.name, existing.error());
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  const UserId owner = users.at(r.owner);
  auto id = store.rooms().add(store::NewRoom{r.name, r.title, r.topic, owner, r.visibility}, now_ms);
  if (!id.ok()) failed("add room " + std::string(r.name), id.error());
  for (std::size_t i = 0; i < r.members; ++i) {
    if (users.at(i) == owner) continue;  // already in as the owner
    auto s = store.rooms().add_member(*id, users.at(i), store::RoomRole::Member, now_ms);
    if (!s.ok()) failed("add member to " + std::string(r.name), s.error());
  }
}

std::string rooms_text(const Config& config) {
  std::string out;
  for (const auto& r : demo_rooms()) {
    out += out.empty() ? "Rooms: " : ", ";
    // chat/room_address.hpp's scheme; app/ does not link chat/.
    out += std::string(r.name) + " sip:~" + r.name + "@" + config.sip.domain;
    if (r.visibility == store::RoomVisibility::Invite) out += " (invite-only)";
  }
  return out;
}

std::string registrar_text(const Config& config) {
  std::string out;
  for (const auto& l : config.sip.listen) {
    if (!out.empty()) out += ", ";
    const bool v6 = l.host.find(':') != std::string::npos;
    out += (v6 ? "[" + l.host + "]" : l.host) + ":" + std::to_string(l.port) + " (" +
           std::string(to_string(l.transport)) + ")";
  }
  return out.empty() ? "none (sip.listen is empty)" : out;
}

}  // namespace

std::string ensure_demo_community(store::Store& store, const Config& config) {
  const std::string& realm = config.sip.domain;
  auto status = store.transaction([&]() -> store::StoreStatus {
    std::vector<UserId> users;
    for (const auto& u : demo_users()) {
      users.push_back(ensure_user(store, u));
      for (const auto& a : u.accounts) ensure_account(store, users.back(), a, realm);
    }
    for (const auto& r : demo_rooms()) ensure_room(store, r, users);
    return Ok{};
  });
  if (!status.ok()) failed("transaction", status.error());

  const auto& http = config.http.listen;
  const bool v6 = http.host.find(':') != std::string::npos;
  std::ostringstream text;
  text << "Demo community ready.\n\n"
       << "Web logins: open http://" << (v6 ? "[" + http.host + "]" : http.host) << ":"
       << http.port << "/ in a browser and log in as\n";
  for (const auto& u : demo_users()) {
    text << "  " << u.name << "  password " << u.web_password << "\n";
  }
  text << "\nSIP softphone: domain " << realm << ", registrar " << registrar_text(config)
       << "\n";
  for (const auto& u : demo_users()) {
    for (const auto& a : u.accounts) {
      text << "  sip:" << a.username << "@" << realm << "  username " << a.username
           << "  password " << a.password << "  (user " << u.name << ")\n";
    }
  }
  text << "\n" << rooms_text(config) << "\n";
  return text.str();
}

}  // namespace parley::app
