// BuddyRepository on SQLite. Owned by SqliteStore. Thread: store.
#pragma once

#include "store/buddy_repository.hpp"
#include "store/sqlite/database.hpp"

namespace parley::store::sqlite {

class SqliteBuddyRepository final : public BuddyRepository {
 public:
  explicit SqliteBuddyRepository(Database& db) : db_(db) {}

  StoreStatus add(UserId user, UserId buddy, std::int64_t now_ms) override;
  StoreStatus remove(UserId user, UserId buddy) override;
  StoreResult<std::vector<UserId>> list(UserId user) override;
  StoreResult<std::vector<std::pair<UserId, UserId>>> all() override;

 private:
  StoreStatus user_exists(UserId user);

  Database& db_;
};

}  // namespace parley::store::sqlite
