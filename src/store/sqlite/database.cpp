#include "store/sqlite/database.hpp"

#include <sqlite3.h>

#include <optional>

#include "store/store.hpp"

namespace parley::store::sqlite {

// ---- Statement ----

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::bind_text(int index, std::string_view value) {
  if (stmt_ != nullptr) {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  return *this;
}

Statement& Statement::bind_int(int index, std::int64_t value) {
  if (stmt_ != nullptr) sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_real(int index, double value) {
  if (stmt_ != nullptr) sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (stmt_ != nullptr) sqlite3_bind_null(stmt_, index);
  return *this;
}

int Statement::step() {
  if (stmt_ == nullptr) return prepare_rc_;
  return sqlite3_step(stmt_);
}

bool Statement::next_row(int& rc) {
  rc = step();
  return rc == SQLITE_ROW;
}

bool Statement::done(int rc) { return rc == SQLITE_DONE; }

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }
bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

// ---- Database ----

namespace {

// SQLite counts every allocation (for sqlite3_memory_used) under a global
// mutex. Nothing here reads those counts, and that mutex took ~13% of the
// store thread's time in the REGISTER benchmark. The setting only takes
// before SQLite initialises itself, i.e. before the first open.
void configure_library_once() {
  static const int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)rc;  // SQLITE_MISUSE when already initialised: only slower
}

}  // namespace

void Database::StmtDeleter::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

Database::Database(const std::filesystem::path& path, OpenCheck check) : path_(path) {
  configure_library_once();
  // One thread at a time uses the connection, so SQLite's own mutex is waste.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreOpenError("store: cannot open database " + path.string() + ": " + why);
  }
  try {
    configure(check);
  } catch (...) {
    // Cached statements first: a connection with live statements does not
    // close (a refused corrupt file leaked its connection).
    statements_.clear();
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Database::~Database() {
  statements_.clear();  // finalize before closing, or close reports busy
  if (db_ != nullptr) sqlite3_close(db_);
}

void Database::configure(OpenCheck open_check) {
  sqlite3_extended_result_codes(db_, 1);
  // Another process (the command line while the server runs) may hold the
  // write lock briefly; wait for it instead of failing.
  sqlite3_busy_timeout(db_, 5000);
  auto fail_open = [&](std::string_view what) {
    throw StoreOpenError("store: database " + path_.string() + " is unusable (" +
                         std::string(what) + "): " + last_message() +
                         "; is it a Parley SQLite database? Restore a backup or move it away.");
  };
  // The first statement that reads the file detects a non-database file.
  // (Statements are scoped: an unreset statement keeps a read transaction
  // open, and journal_mode cannot change inside one.)
  if (open_check == OpenCheck::Schema) {
    auto check = prepare("SELECT count(*) FROM sqlite_schema");
    if (check.step() != SQLITE_ROW) fail_open("schema check");
  } else {
    auto check = prepare("PRAGMA quick_check(1)");
    if (check.step() != SQLITE_ROW) fail_open("integrity check");
    if (check.text(0) != "ok") {
      throw StoreOpenError("store: database " + path_.string() + " is corrupt: " + check.text(0));
    }
  }
  // WAL: readers do not block the writer; NORMAL sync is durable across
  // application crashes and loses at most the last commits on power loss.
  if (exec("PRAGMA journal_mode=WAL") != SQLITE_OK) fail_open("journal_mode");
  if (exec("PRAGMA synchronous=NORMAL") != SQLITE_OK) fail_open("synchronous");
  if (exec("PRAGMA foreign_keys=ON") != SQLITE_OK) fail_open("foreign_keys");
  auto fk = prepare("PRAGMA foreign_keys");
  if (fk.step() != SQLITE_ROW || fk.int64(0) != 1) fail_open("foreign keys unsupported");
}

Statement Database::prepare(std::string_view sql) {
  std::string key(sql);
  auto it = statements_.find(key);
  if (it == statements_.end()) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(raw);
      return Statement(nullptr, rc);
    }
    it = statements_.emplace(std::move(key), std::unique_ptr<sqlite3_stmt, StmtDeleter>(raw)).first;
  }
  return Statement(it->second.get(), SQLITE_OK);
}

int Database::exec(std::string_view sql) {
  std::string text(sql);
  return sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }
std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
std::string Database::last_message() const { return sqlite3_errmsg(db_); }

StoreError Database::error(int rc, std::string_view what) const {
  StoreError e;
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      e.code = StoreErrorCode::Duplicate;
      break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      e.code = StoreErrorCode::NotFound;
      break;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      e.code = StoreErrorCode::Invalid;
      break;
    default:
      e.code = StoreErrorCode::Failed;
  }
  e.message = std::string(what);
  if (e.code == StoreErrorCode::Failed) e.message += std::string(": ") + sqlite3_errmsg(db_);
  return e;
}

int Database::run(std::string_view sql) {
  auto st = prepare(sql);
  const int rc = st.step();
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

StoreStatus Database::transaction(const std::function<StoreStatus()>& body) {
  // The outermost level takes the write lock at once (IMMEDIATE) so two
  // processes never deadlock upgrading read locks; inner levels are
  // savepoints. All are cached statements: bulk imports nest one per row.
  const bool outer = savepoint_depth_ == 0 && sqlite3_get_autocommit(db_) != 0;
  const std::string name = "parley_sp" + std::to_string(savepoint_depth_);
  const int rc = run(outer ? "BEGIN IMMEDIATE" : "SAVEPOINT " + name);
  if (rc != SQLITE_OK) return fail(error(rc, "begin transaction"));
  ++savepoint_depth_;
  auto undo = [&] {
    --savepoint_depth_;
    if (outer) {
      run("ROLLBACK");
    } else {
      run("ROLLBACK TO " + name);
      run("RELEASE " + name);
    }
  };
  std::optional<StoreStatus> result;
  try {
    result.emplace(body());
  } catch (...) {
    undo();
    throw;
  }
  if (!result->ok()) {
    undo();
    return *result;
  }
  const int end = run(outer ? "COMMIT" : "RELEASE " + name);
  if (end != SQLITE_OK) {
    StoreError e = error(end, "commit");
    undo();
    return fail(std::move(e));
  }
  --savepoint_depth_;
  return Ok{};
}

}  // namespace parley::store::sqlite
