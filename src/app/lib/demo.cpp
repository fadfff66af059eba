#include "app/lib/demo.hpp"

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
    for (const auto& u : demo_users()) {
      const UserId owner = ensure_user(store, u);
      for (const auto& a : u.accounts) ensure_account(store, owner, a, realm);
    }
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
  return text.str();
}

}  // namespace parley::app
