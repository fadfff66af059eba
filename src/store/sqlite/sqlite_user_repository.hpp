// UserRepository on SQLite. Owned by SqliteStore. Thread: store.
#pragma once

#include "store/sqlite/database.hpp"
#include "store/user_repository.hpp"

namespace parley::store::sqlite {

class SqliteUserRepository final : public UserRepository {
 public:
  explicit SqliteUserRepository(Database& db) : db_(db) {}

  StoreResult<UserId> add(const NewUser& user) override;
  StoreStatus set_web_password_hash(std::string_view name, std::string_view hash) override;
  StoreStatus set_display_name(std::string_view name, std::string_view display_name) override;
  StoreStatus remove(std::string_view name) override;
  StoreResult<User> find(std::string_view name) override;
  StoreResult<User> find(UserId id) override;
  StoreResult<std::vector<User>> list() override;
  StoreResult<bool> verify_web_password(std::string_view name, std::string_view password) override;
  StoreResult<Login> find_login(std::string_view name) override;

 private:
  StoreResult<UserId> insert(const NewUser& user);
  StoreStatus update_one(std::string_view sql, std::string_view name, std::string_view value);

  Database& db_;
};

}  // namespace parley::store::sqlite
