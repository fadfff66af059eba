#include "store/sqlite/sqlite_sip_account_repository.hpp"
#include "base/strings.hpp"

#include <sqlite3.h>

#include <optional>

#include "base/clock.hpp"
#include "store/validation.hpp"

namespace parley::store::sqlite {

namespace {


SipAccount read_account(const Statement& st) {
  SipAccount a;
  a.id = AccountId(static_cast<std::uint64_t>(st.int64(0)));
  a.user_id = UserId(static_cast<std::uint64_t>(st.int64(1)));
  a.username = st.text(2);
  a.realm = st.text(3);
  a.ha1_md5 = st.text(4);
  a.ha1_sha256 = st.text(5);
  return a;
}

}  // namespace

StoreResult<AccountId> SqliteSipAccountRepository::add(UserId owner, const NewSipAccount& account) {
  if (!is_valid_name(account.username)) {
    return fail(StoreError{StoreErrorCode::Invalid, "SIP username " + in_quotes(account.username) +
                                                        " must match " + std::string(kNameRule)});
  }
  std::optional<StoreResult<AccountId>> result;
  auto status = db_.transaction([&]() -> StoreStatus {
    result.emplace(insert(owner, account));
    if (!result->ok()) return fail(result->error());
    return Ok{};
  });
  if (!status.ok()) return fail(status.error());
  return *result;
}

StoreResult<AccountId> SqliteSipAccountRepository::insert(UserId owner,
                                                          const NewSipAccount& account) {
  // The account registers as sip:USERNAME@DOMAIN; that must not be another
  // user's public identity (it may be the owner's own name).
  auto clash = db_.prepare("SELECT 1 FROM users WHERE name = ?1 AND id != ?2");
  clash.bind_text(1, account.username).bind_int(2, sql_id(owner));
  int rc = clash.step();
  if (rc == SQLITE_ROW) {
    return fail(StoreError{StoreErrorCode::Duplicate, "SIP username " + in_quotes(account.username) +
                                                          " is the name of another user"});
  }
  if (rc != SQLITE_DONE) return fail(db_.error(rc, "add SIP account"));
  auto st = db_.prepare(
      "INSERT INTO sip_accounts (user_id, username, realm, ha1_md5, ha1_sha256, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  st.bind_int(1, sql_id(owner)).bind_text(2, account.username).bind_text(3, account.realm);
  st.bind_text(4, account.ha1_md5).bind_text(5, account.ha1_sha256).bind_int(6, unix_now());
  rc = st.step();
  if (rc != SQLITE_DONE) {
    auto e = db_.error(rc, "add SIP account " + in_quotes(account.username));
    if (e.code == StoreErrorCode::Duplicate) {
      e.message = "SIP username " + in_quotes(account.username) + " already exists";
    } else if (e.code == StoreErrorCode::NotFound) {
      e.message = "no user id " + std::to_string(owner.value());
    }
    return fail(std::move(e));
  }
  return AccountId(static_cast<std::uint64_t>(db_.last_insert_id()));
}

StoreStatus SqliteSipAccountRepository::set_credentials(std::string_view username,
                                                        std::string_view realm,
                                                        std::string_view ha1_md5,
                                                        std::string_view ha1_sha256) {
  auto st = db_.prepare(
      "UPDATE sip_accounts SET realm = ?2, ha1_md5 = ?3, ha1_sha256 = ?4 WHERE username = ?1");
  st.bind_text(1, username).bind_text(2, realm).bind_text(3, ha1_md5).bind_text(4, ha1_sha256);
  if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "update SIP account"));
  if (db_.changes() == 0) {
    return fail(StoreError{StoreErrorCode::NotFound, "no SIP account " + in_quotes(username)});
  }
  return Ok{};
}

StoreStatus SqliteSipAccountRepository::remove(UserId owner, std::string_view username) {
  auto st = db_.prepare("DELETE FROM sip_accounts WHERE username = ?1 AND user_id = ?2");
  st.bind_text(1, username).bind_int(2, sql_id(owner));
  if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "remove SIP account"));
  if (db_.changes() == 0) {
    return fail(StoreError{StoreErrorCode::NotFound,
                           "the user has no SIP account " + in_quotes(username)});
  }
  return Ok{};
}

StoreResult<AccountCredentials> SqliteSipAccountRepository::find(std::string_view username) {
  auto st = db_.prepare(
      "SELECT a.id, a.user_id, a.username, a.realm, a.ha1_md5, a.ha1_sha256, u.name "
      "FROM sip_accounts a JOIN users u ON u.id = a.user_id WHERE a.username = ?1");
  st.bind_text(1, username);
  int rc = st.step();
  if (rc == SQLITE_ROW) return AccountCredentials{read_account(st), st.text(6)};
  if (rc == SQLITE_DONE) {
    return fail(StoreError{StoreErrorCode::NotFound, "no SIP account " + in_quotes(username)});
  }
  return fail(db_.error(rc, "find SIP account"));
}

StoreResult<std::vector<SipAccount>> SqliteSipAccountRepository::list_for_user(UserId owner) {
  auto st = db_.prepare(
      "SELECT id, user_id, username, realm, ha1_md5, ha1_sha256 FROM sip_accounts "
      "WHERE user_id = ?1 ORDER BY username");
  st.bind_int(1, sql_id(owner));
  return db_.rows(st, "list SIP accounts", [&] { return read_account(st); });
}

}  // namespace parley::store::sqlite
