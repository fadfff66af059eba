// SipAccountRepository on SQLite. Owned by SqliteStore. Thread: store.
#pragma once

#include "store/sip_account_repository.hpp"
#include "store/sqlite/database.hpp"

namespace parley::store::sqlite {

class SqliteSipAccountRepository final : public SipAccountRepository {
 public:
  explicit SqliteSipAccountRepository(Database& db) : db_(db) {}

  StoreResult<AccountId> add(UserId owner, const NewSipAccount& account) override;
  StoreStatus set_credentials(std::string_view username, std::string_view realm,
                              std::string_view ha1_md5, std::string_view ha1_sha256) override;
  StoreStatus remove(UserId owner, std::string_view username) override;
  StoreResult<AccountCredentials> find(std::string_view username) override;
  StoreResult<std::vector<SipAccount>> list_for_user(UserId owner) override;

 private:
  StoreResult<AccountId> insert(UserId owner, const NewSipAccount& account);

  Database& db_;
};

}  // namespace parley::store::sqlite
