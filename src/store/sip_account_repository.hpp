// SIP accounts (private identities with digest credentials) in the store.
// Owned by a Store; called from the store thread only. Thread: store.
#pragma once

#include <string_view>
#include <vector>

#include "store/types.hpp"

namespace parley::store {

class SipAccountRepository {
 public:
  virtual ~SipAccountRepository() = default;

  // Duplicate if the username is taken by any account, or is the name of a
  // user other than `owner`; NotFound if `owner` does not exist.
  virtual StoreResult<AccountId> add(UserId owner, const NewSipAccount& account) = 0;
  // Replaces realm and HA1s (password change or new domain).
  virtual StoreStatus set_credentials(std::string_view username, std::string_view realm,
                                      std::string_view ha1_md5, std::string_view ha1_sha256) = 0;
  // NotFound unless `username` exists and belongs to `owner`.
  virtual StoreStatus remove(UserId owner, std::string_view username) = 0;

  // The hot lookup of digest authentication (case-insensitive username).
  virtual StoreResult<AccountCredentials> find(std::string_view username) = 0;
  virtual StoreResult<std::vector<SipAccount>> list_for_user(UserId owner) = 0;
};

}  // namespace parley::store
