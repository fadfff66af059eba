#include "store/sqlite/sqlite_buddy_repository.hpp"

#include <sqlite3.h>

#include <string>

namespace parley::store::sqlite {

namespace {

UserId user_at(const Statement& st, int column) {
  return UserId(static_cast<std::uint64_t>(st.int64(column)));
}

}  // namespace

StoreStatus SqliteBuddyRepository::user_exists(UserId user) {
  auto st = db_.prepare("SELECT 1 FROM users WHERE id = ?1");
  st.bind_int(1, sql_id(user));
  const int rc = st.step();
  if (rc == SQLITE_ROW) return Ok{};
  if (rc == SQLITE_DONE) {
    return fail(StoreError{StoreErrorCode::NotFound, "no user id " + std::to_string(user.value())});
  }
  return fail(db_.error(rc, "look up user"));
}

StoreStatus SqliteBuddyRepository::add(UserId user, UserId buddy, std::int64_t now_ms) {
  if (user == buddy) {
    return fail(StoreError{StoreErrorCode::Invalid, "a user cannot be its own buddy"});
  }
  return db_.transaction([&]() -> StoreStatus {
    // Named NotFound errors: a foreign key failure does not say which side.
    if (auto s = user_exists(user); !s.ok()) return s;
    if (auto s = user_exists(buddy); !s.ok()) return s;
    auto st = db_.prepare("INSERT INTO buddies (user_id, buddy_id, created_at) VALUES (?1, ?2, ?3)");
    st.bind_int(1, sql_id(user)).bind_int(2, sql_id(buddy)).bind_int(3, now_ms);
    if (int rc = st.step(); rc != SQLITE_DONE) {
      auto e = db_.error(rc, "add buddy");
      if (e.code == StoreErrorCode::Duplicate) e.message = "already a buddy";
      return fail(std::move(e));
    }
    return Ok{};
  });
}

StoreStatus SqliteBuddyRepository::remove(UserId user, UserId buddy) {
  auto st = db_.prepare("DELETE FROM buddies WHERE user_id = ?1 AND buddy_id = ?2");
  st.bind_int(1, sql_id(user)).bind_int(2, sql_id(buddy));
  if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "remove buddy"));
  if (db_.changes() == 0) return fail(StoreError{StoreErrorCode::NotFound, "not a buddy"});
  return Ok{};
}

StoreResult<std::vector<UserId>> SqliteBuddyRepository::list(UserId user) {
  auto st = db_.prepare("SELECT buddy_id FROM buddies WHERE user_id = ?1 ORDER BY buddy_id");
  st.bind_int(1, sql_id(user));
  return db_.rows(st, "list buddies", [&] { return user_at(st, 0); });
}

StoreResult<std::vector<std::pair<UserId, UserId>>> SqliteBuddyRepository::all() {
  auto st = db_.prepare("SELECT user_id, buddy_id FROM buddies ORDER BY user_id, buddy_id");
  return db_.rows(st, "list all buddies",
                  [&] { return std::make_pair(user_at(st, 0), user_at(st, 1)); });
}

}  // namespace parley::store::sqlite
