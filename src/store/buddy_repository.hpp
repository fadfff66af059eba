// Buddies in the store: the users a user chose to follow (presence, contact
// list). One-way pairs (user, buddy). Owned by a Store; called from the store
// thread only (it blocks on disk). Thread: store.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "store/types.hpp"

namespace parley::store {

class BuddyRepository {
 public:
  virtual ~BuddyRepository() = default;

  // Invalid if user == buddy; NotFound if either user does not exist;
  // Duplicate if the buddy is already there.
  virtual StoreStatus add(UserId user, UserId buddy, std::int64_t now_ms) = 0;
  // NotFound if the buddy is not there.
  virtual StoreStatus remove(UserId user, UserId buddy) = 0;
  // The user's buddies, ordered by id; empty for an unknown user.
  virtual StoreResult<std::vector<UserId>> list(UserId user) = 0;
  // Every (user, buddy) pair, ordered by user then buddy: the core's cache
  // at start.
  virtual StoreResult<std::vector<std::pair<UserId, UserId>>> all() = 0;
};

}  // namespace parley::store
