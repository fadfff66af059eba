#include "store/sqlite/sqlite_user_repository.hpp"
#include "base/strings.hpp"

#include <sqlite3.h>

#include <optional>

#include "base/clock.hpp"
#include "store/password.hpp"
#include "store/validation.hpp"

namespace parley::store::sqlite {

namespace {

constexpr std::string_view kSelectUser =
    "SELECT id, name, display_name, web_password_hash IS NOT NULL, created_at FROM users ";

User read_user(const Statement& st) {
  User u;
  u.id = UserId(static_cast<std::uint64_t>(st.int64(0)));
  u.name = st.text(1);
  u.display_name = st.text(2);
  u.has_web_password = st.int64(3) != 0;
  u.created_at = st.int64(4);
  return u;
}


StoreError not_found(std::string_view name) {
  return {StoreErrorCode::NotFound, "no user " + in_quotes(name)};
}

}  // namespace

StoreResult<UserId> SqliteUserRepository::add(const NewUser& user) {
  if (!is_valid_name(user.name)) {
    return fail(StoreError{StoreErrorCode::Invalid,
                           "user name " + in_quotes(user.name) + " must match " +
                               std::string(kNameRule)});
  }
  std::optional<StoreResult<UserId>> result;
  auto status = db_.transaction([&]() -> StoreStatus {
    result.emplace(insert(user));
    if (!result->ok()) return fail(result->error());
    return Ok{};
  });
  if (!status.ok()) return fail(status.error());
  return *result;
}

StoreResult<UserId> SqliteUserRepository::insert(const NewUser& user) {
  // sip:NAME@DOMAIN must name one thing: a user or one of that user's own
  // SIP accounts, never another user's account.
  auto clash = db_.prepare("SELECT 1 FROM sip_accounts WHERE username = ?1");
  clash.bind_text(1, user.name);
  int rc = clash.step();
  if (rc == SQLITE_ROW) {
    return fail(StoreError{StoreErrorCode::Duplicate,
                           "name " + in_quotes(user.name) + " is a SIP username of another user"});
  }
  if (rc != SQLITE_DONE) return fail(db_.error(rc, "add user"));
  auto st = db_.prepare(
      "INSERT INTO users (name, display_name, web_password_hash, created_at) "
      "VALUES (?1, ?2, NULLIF(?3, ''), ?4)");
  st.bind_text(1, user.name).bind_text(2, user.display_name);
  st.bind_text(3, user.web_password_hash).bind_int(4, unix_now());
  rc = st.step();
  if (rc != SQLITE_DONE) {
    auto e = db_.error(rc, "add user " + in_quotes(user.name));
    if (e.code == StoreErrorCode::Duplicate) e.message = "user " + in_quotes(user.name) + " already exists";
    return fail(std::move(e));
  }
  return UserId(static_cast<std::uint64_t>(db_.last_insert_id()));
}

StoreStatus SqliteUserRepository::update_one(std::string_view sql, std::string_view name,
                                             std::string_view value) {
  auto st = db_.prepare(sql);
  st.bind_text(1, name).bind_text(2, value);
  if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "update user"));
  if (db_.changes() == 0) return fail(not_found(name));
  return Ok{};
}

StoreStatus SqliteUserRepository::set_web_password_hash(std::string_view name,
                                                        std::string_view hash) {
  return update_one("UPDATE users SET web_password_hash = NULLIF(?2, '') WHERE name = ?1", name,
                    hash);
}

StoreStatus SqliteUserRepository::set_display_name(std::string_view name,
                                                   std::string_view display_name) {
  return update_one("UPDATE users SET display_name = ?2 WHERE name = ?1", name, display_name);
}

StoreStatus SqliteUserRepository::remove(std::string_view name) {
  auto st = db_.prepare("DELETE FROM users WHERE name = ?1");
  st.bind_text(1, name);
  if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "remove user"));
  if (db_.changes() == 0) return fail(not_found(name));
  return Ok{};
}

StoreResult<User> SqliteUserRepository::find(std::string_view name) {
  auto st = db_.prepare(std::string(kSelectUser) + "WHERE name = ?1");
  st.bind_text(1, name);
  int rc = st.step();
  if (rc == SQLITE_ROW) return read_user(st);
  if (rc == SQLITE_DONE) return fail(not_found(name));
  return fail(db_.error(rc, "find user"));
}

StoreResult<User> SqliteUserRepository::find(UserId id) {
  auto st = db_.prepare(std::string(kSelectUser) + "WHERE id = ?1");
  st.bind_int(1, static_cast<std::int64_t>(id.value()));
  int rc = st.step();
  if (rc == SQLITE_ROW) return read_user(st);
  if (rc == SQLITE_DONE) {
    return fail(StoreError{StoreErrorCode::NotFound, "no user id " + std::to_string(id.value())});
  }
  return fail(db_.error(rc, "find user"));
}

StoreResult<std::vector<User>> SqliteUserRepository::list() {
  auto st = db_.prepare(std::string(kSelectUser) + "ORDER BY name");
  return db_.rows(st, "list users", [&] { return read_user(st); });
}

StoreResult<UserRepository::Login> SqliteUserRepository::find_login(std::string_view name) {
  Login login;
  auto st = db_.prepare("SELECT name, display_name, web_password_hash FROM users WHERE name = ?1");
  st.bind_text(1, to_lower(name));
  int rc = st.step();
  if (rc == SQLITE_ROW) {
    login.name = st.text(0);
    login.display_name = st.text(1);
    login.hash = st.text(2);
  } else if (rc != SQLITE_DONE) {
    return fail(db_.error(rc, "find login"));
  }
  return login;
}

StoreResult<bool> SqliteUserRepository::verify_web_password(std::string_view name,
                                                            std::string_view password) {
  auto login = find_login(name);
  if (!login) return fail(login.error());
  return check_web_password(login->hash, password);
}

}  // namespace parley::store::sqlite
