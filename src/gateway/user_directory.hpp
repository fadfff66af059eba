// The core thread's in-memory copy of who exists: users, their SIP accounts
// (with digest HA1s) and telephone numbers, loaded from the store and
// replaced whole when the store changes, so no SIP request waits on disk.
// Answers digest lookups and "who may send as whom". Owned by SipService.
// Thread: core.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sip/auth/digest_authenticator.hpp"
#include "sip/proxy/sender_identities.hpp"
#include "store/types.hpp"

namespace parley::gateway {

struct AccountEntry {
  store::AccountId id;
  UserId user;
  std::string username;
  std::string realm;
  std::string ha1_md5;
  std::string ha1_sha256;
};

struct UserEntry {
  UserId id;
  std::string name;
  std::string display_name;
  std::vector<std::string> accounts;  // usernames
  std::vector<std::string> numbers;   // E.164
  bool web_login = false;  // has a web password: a browser session may come
};

// Hash for maps keyed by std::string that are searched with string_views
// (C++20 heterogeneous lookup): no key copy per SIP request.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

class UserDirectory final : public sip::auth::Ha1Lookup, public sip::SenderIdentities {
 public:
  void replace(const store::Directory& directory);

  const UserEntry* user(std::string_view name) const;
  const UserEntry* user(UserId id) const;
  const UserEntry* user_of_number(std::string_view number) const;
  const AccountEntry* account(std::string_view username) const;
  const AccountEntry* account(store::AccountId id) const;
  std::size_t user_count() const { return users_.size(); }
  // Every user, ordered by name (the browser's user list).
  std::vector<const UserEntry*> users_by_name() const;
  std::size_t account_count() const { return accounts_.size(); }

  // sip::auth::Ha1Lookup
  std::optional<std::string> find_ha1(std::string_view username,
                                      sip::auth::Algorithm algorithm) override;
  // sip::SenderIdentities
  std::vector<std::string> accounts_for_sender(std::string_view from_user) override;

 private:
  StringMap<UserEntry> users_;                                // by name
  std::unordered_map<std::uint64_t, std::string> user_names_;  // id -> name
  StringMap<AccountEntry> accounts_;                          // by username
  std::unordered_map<std::uint64_t, std::string> account_names_;  // id -> username
  StringMap<std::string> numbers_;                            // number -> user name
};

}  // namespace parley::gateway
