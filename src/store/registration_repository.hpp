// SIP registrations (contact bindings) persisted so that a restart keeps
// them. The registrar keeps the live table in memory and writes through;
// load_all() refills it at start-up. Owned by a Store; called from the store
// thread only. Thread: store.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "store/types.hpp"

namespace parley::store {

class RegistrationRepository {
 public:
  virtual ~RegistrationRepository() = default;

  // Inserts or replaces the binding (account_id, contact). NotFound if the
  // account does not exist.
  virtual StoreStatus save(const Registration& registration) = 0;
  // Succeeds (removing nothing) if there is no such binding.
  virtual StoreStatus remove(AccountId account, std::string_view contact) = 0;
  virtual StoreStatus remove_all_for_account(AccountId account) = 0;
  virtual StoreResult<std::vector<Registration>> load_all() = 0;
  // Deletes bindings with expires_at <= now (unix seconds); returns how many.
  virtual StoreResult<std::uint64_t> delete_expired(std::int64_t now) = 0;
};

}  // namespace parley::store
