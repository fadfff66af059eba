#include "gateway/user_directory.hpp"

#include <algorithm>

#include "base/strings.hpp"

namespace parley::gateway {

namespace {

// Names are stored lower-case. Most requests already use lower case, so the
// fold (and its allocation) happens only when needed.
template <typename Map>
auto find_folded(const Map& map, std::string_view key) {
  for (char c : key) {
    if (c >= 'A' && c <= 'Z') return map.find(to_lower(key));
  }
  return map.find(key);
}

}  // namespace

void UserDirectory::replace(const store::Directory& d) {
  users_.clear();
  user_names_.clear();
  accounts_.clear();
  account_names_.clear();
  numbers_.clear();
  users_.reserve(d.users.size());
  accounts_.reserve(d.accounts.size());
  for (const auto& u : d.users) {
    users_[u.name] = UserEntry{u.id, u.name, u.display_name, {}, {}, u.has_web_password};
    user_names_[u.id.value()] = u.name;
  }
  for (const auto& a : d.accounts) {
    accounts_[a.username] =
        AccountEntry{a.id, a.user_id, a.username, a.realm, a.ha1_md5, a.ha1_sha256};
    account_names_[a.id.value()] = a.username;
    auto n = user_names_.find(a.user_id.value());
    if (n != user_names_.end()) users_[n->second].accounts.push_back(a.username);
  }
  for (const auto& num : d.numbers) {
    auto n = user_names_.find(num.user_id.value());
    if (n == user_names_.end()) continue;
    numbers_[num.number] = n->second;
    users_[n->second].numbers.push_back(num.number);
  }
}

const UserEntry* UserDirectory::user(std::string_view name) const {
  // Names are stored lower-case; SIP user parts compare case-sensitively in
  // RFC 3261, but our names are defined lower-case, so fold here.
  auto it = find_folded(users_, name);
  return it == users_.end() ? nullptr : &it->second;
}

const UserEntry* UserDirectory::user(UserId id) const {
  auto it = user_names_.find(id.value());
  return it == user_names_.end() ? nullptr : user(it->second);
}

const UserEntry* UserDirectory::user_of_number(std::string_view number) const {
  auto it = numbers_.find(number);
  return it == numbers_.end() ? nullptr : user(it->second);
}

const AccountEntry* UserDirectory::account(std::string_view username) const {
  auto it = find_folded(accounts_, username);
  return it == accounts_.end() ? nullptr : &it->second;
}

const AccountEntry* UserDirectory::account(store::AccountId id) const {
  auto it = account_names_.find(id.value());
  return it == account_names_.end() ? nullptr : account(it->second);
}

std::optional<std::string> UserDirectory::find_ha1(std::string_view username,
                                                   sip::auth::Algorithm algorithm) {
  const AccountEntry* a = account(username);
  if (!a) return std::nullopt;
  const std::string& ha1 = algorithm == sip::auth::Algorithm::Md5 ? a->ha1_md5 : a->ha1_sha256;
  if (ha1.empty()) return std::nullopt;
  return ha1;
}

std::vector<std::string> UserDirectory::accounts_for_sender(std::string_view from_user) {
  // The account itself, or a user's public name: every account of that user.
  if (const UserEntry* u = user(from_user)) return u->accounts;
  if (const AccountEntry* a = account(from_user)) {
    if (const UserEntry* owner = user(a->user)) return owner->accounts;
    return {a->username};
  }
  return {};
}

std::vector<const UserEntry*> UserDirectory::users_by_name() const {
  std::vector<const UserEntry*> out;
  out.reserve(users_.size());
  for (const auto& [name, u] : users_) out.push_back(&u);
  std::sort(out.begin(), out.end(), [](const UserEntry* a, const UserEntry* b) { return a->name < b->name; });
  return out;
}

}  // namespace parley::gateway
