// One SQLite connection with a cache of prepared statements, the pragmas
// Parley relies on (WAL, foreign keys, busy timeout) and transaction
// helpers. Owned by SqliteStore. Thread: store (one thread at a time; the
// connection is opened without SQLite's own mutex).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/types.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace parley::store::sqlite {

// A cached prepared statement in use; reset and unbound when it goes out of
// scope so the next user starts clean. If preparing failed, step() returns
// that error code, so callers handle both the same way.
class Statement {
 public:
  Statement(sqlite3_stmt* stmt, int prepare_rc) : stmt_(stmt), prepare_rc_(prepare_rc) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in "?1". Text is copied by SQLite.
  Statement& bind_text(int index, std::string_view value);
  Statement& bind_int(int index, std::int64_t value);
  Statement& bind_real(int index, double value);
  Statement& bind_null(int index);

  // SQLITE_ROW, SQLITE_DONE or an (extended) error code.
  int step();
  // For row loops without SQLite's codes in sight: steps, true while a row
  // is there; `rc` keeps the last code, and done(rc) tells the end of the
  // rows from an error.
  bool next_row(int& rc);
  static bool done(int rc);

  // Columns are 0-based.
  std::string text(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3_stmt* stmt_;
  int prepare_rc_;
};

// A strong id as SQLite's integer type (ids are rowids, well below 2^63).
template <typename Tag>
std::int64_t sql_id(StrongId<Tag> id) {
  return static_cast<std::int64_t>(id.value());
}

// How much of the file is checked when it is opened. A full check reads
// every page (seconds for a large history), so only the server does it at
// start; a command-line run checks that the file is a database with a
// readable schema.
enum class OpenCheck : std::uint8_t { Schema, Full };

class Database {
 public:
  // Opens or creates the file, sets pragmas and checks integrity; throws
  // StoreOpenError with a message naming the file on any problem.
  explicit Database(const std::filesystem::path& path, OpenCheck check = OpenCheck::Full);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // A prepared statement for `sql`, compiled once and cached by its text.
  Statement prepare(std::string_view sql);
  // Runs one or more statements without results; returns SQLite's code.
  int exec(std::string_view sql);
  // Runs one statement through the cache; SQLITE_OK or the error code.
  int run(std::string_view sql);
  // Rows changed by the last INSERT/UPDATE/DELETE, and the last rowid.
  std::int64_t changes() const;
  std::int64_t last_insert_id() const;

  // Maps an SQLite code to a StoreError: unique -> Duplicate, foreign key ->
  // NotFound, check/not-null -> Invalid, anything else -> Failed.
  StoreError error(int rc, std::string_view what) const;
  std::string last_message() const;

  // Steps `st` to its end, collecting one `read()` per row (`read` reads the
  // current row from `st`); a failed step is the error, named by `what`.
  template <typename Read>
  auto rows(Statement& st, std::string_view what, Read read)
      -> StoreResult<std::vector<decltype(read())>> {
    std::vector<decltype(read())> out;
    int rc;
    while (st.next_row(rc)) out.push_back(read());
    if (!Statement::done(rc)) return fail(error(rc, what));
    return out;
  }

  // Runs `body` in a transaction (or a savepoint when one is already open).
  StoreStatus transaction(const std::function<StoreStatus()>& body);

  const std::filesystem::path& path() const { return path_; }

 private:
  struct StmtDeleter {
    void operator()(sqlite3_stmt* s) const;
  };
  void configure(OpenCheck check);

  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  int savepoint_depth_ = 0;
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, StmtDeleter>> statements_;
};

}  // namespace parley::store::sqlite
