// RegistrationRepository on SQLite. Owned by SqliteStore. Thread: store.
#pragma once

#include "store/registration_repository.hpp"
#include "store/sqlite/database.hpp"

namespace parley::store::sqlite {

class SqliteRegistrationRepository final : public RegistrationRepository {
 public:
  explicit SqliteRegistrationRepository(Database& db) : db_(db) {}

  StoreStatus save(const Registration& registration) override;
  StoreStatus remove(AccountId account, std::string_view contact) override;
  StoreStatus remove_all_for_account(AccountId account) override;
  StoreResult<std::vector<Registration>> load_all() override;
  StoreResult<std::uint64_t> delete_expired(std::int64_t now) override;

 private:
  Database& db_;
};

}  // namespace parley::store::sqlite
