// Telephone numbers (E.164) owned by users. Owned by a Store; called from the
// store thread only. Thread: store.
#pragma once

#include <string_view>
#include <vector>

#include "store/types.hpp"

namespace parley::store {

class NumberRepository {
 public:
  virtual ~NumberRepository() = default;

  // Invalid unless is_valid_e164(number); Duplicate if any user has it.
  virtual StoreResult<NumberId> add(UserId owner, std::string_view number) = 0;
  // NotFound unless `number` exists and belongs to `owner`.
  virtual StoreStatus remove(UserId owner, std::string_view number) = 0;
  virtual StoreResult<Number> find(std::string_view number) = 0;
  virtual StoreResult<std::vector<Number>> list_for_user(UserId owner) = 0;
};

}  // namespace parley::store
