// NumberRepository on SQLite. Owned by SqliteStore. Thread: store.
#pragma once

#include "store/number_repository.hpp"
#include "store/sqlite/database.hpp"

namespace parley::store::sqlite {

class SqliteNumberRepository final : public NumberRepository {
 public:
  explicit SqliteNumberRepository(Database& db) : db_(db) {}

  StoreResult<NumberId> add(UserId owner, std::string_view number) override;
  StoreStatus remove(UserId owner, std::string_view number) override;
  StoreResult<Number> find(std::string_view number) override;
  StoreResult<std::vector<Number>> list_for_user(UserId owner) override;

 private:
  Database& db_;
};

}  // namespace parley::store::sqlite
