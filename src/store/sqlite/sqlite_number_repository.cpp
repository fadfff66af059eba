#include "store/sqlite/sqlite_number_repository.hpp"
#include "base/strings.hpp"

#include <sqlite3.h>

#include "store/validation.hpp"

namespace parley::store::sqlite {

namespace {


Number read_number(const Statement& st) {
  return Number{NumberId(static_cast<std::uint64_t>(st.int64(0))),
                UserId(static_cast<std::uint64_t>(st.int64(1))), st.text(2)};
}

}  // namespace

StoreResult<NumberId> SqliteNumberRepository::add(UserId owner, std::string_view number) {
  if (!is_valid_e164(number)) {
    return fail(StoreError{StoreErrorCode::Invalid,
                           "number " + in_quotes(number) + " must be + then 3 to 15 digits (E.164)"});
  }
  auto st = db_.prepare("INSERT INTO numbers (user_id, number) VALUES (?1, ?2)");
  st.bind_int(1, sql_id(owner)).bind_text(2, number);
  if (int rc = st.step(); rc != SQLITE_DONE) {
    auto e = db_.error(rc, "add number " + in_quotes(number));
    if (e.code == StoreErrorCode::Duplicate) e.message = "number " + in_quotes(number) + " is taken";
    if (e.code == StoreErrorCode::NotFound) e.message = "no user id " + std::to_string(owner.value());
    return fail(std::move(e));
  }
  return NumberId(static_cast<std::uint64_t>(db_.last_insert_id()));
}

StoreStatus SqliteNumberRepository::remove(UserId owner, std::string_view number) {
  auto st = db_.prepare("DELETE FROM numbers WHERE number = ?1 AND user_id = ?2");
  st.bind_text(1, number).bind_int(2, sql_id(owner));
  if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "remove number"));
  if (db_.changes() == 0) {
    return fail(StoreError{StoreErrorCode::NotFound, "the user has no number " + in_quotes(number)});
  }
  return Ok{};
}

StoreResult<Number> SqliteNumberRepository::find(std::string_view number) {
  auto st = db_.prepare("SELECT id, user_id, number FROM numbers WHERE number = ?1");
  st.bind_text(1, number);
  int rc = st.step();
  if (rc == SQLITE_ROW) return read_number(st);
  if (rc == SQLITE_DONE) {
    return fail(StoreError{StoreErrorCode::NotFound, "no number " + in_quotes(number)});
  }
  return fail(db_.error(rc, "find number"));
}

StoreResult<std::vector<Number>> SqliteNumberRepository::list_for_user(UserId owner) {
  auto st = db_.prepare("SELECT id, user_id, number FROM numbers WHERE user_id = ?1 ORDER BY number");
  st.bind_int(1, sql_id(owner));
  return db_.rows(st, "list numbers", [&] { return read_number(st); });
}

}  // namespace parley::store::sqlite
