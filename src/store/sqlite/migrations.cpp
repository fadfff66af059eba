#include "store/sqlite/migrations.hpp"

#include <sqlite3.h>

#include <string>

#include "base/clock.hpp"
#include "store/sqlite/database.hpp"
#include "store/store.hpp"

namespace parley::store::sqlite {

namespace {

constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";

int current_version(Database& db) {
  auto st = db.prepare("SELECT coalesce(max(version), 0) FROM schema_version");
  if (st.step() != SQLITE_ROW) {
    throw StoreOpenError("store: cannot read schema_version: " + db.last_message());
  }
  return static_cast<int>(st.int64(0));
}

void check_order(const std::vector<Migration>& migrations) {
  int previous = 0;
  for (const auto& m : migrations) {
    if (m.version <= previous) {
      throw StoreOpenError("store: migration " + std::string(m.name) +
                           " is out of order (versions must increase)");
    }
    previous = m.version;
  }
}

// Applies the pending migrations; runs inside the caller's transaction.
StoreStatus apply_pending(Database& db, const std::vector<Migration>& migrations, int& version) {
  if (int rc = db.exec(kCreateVersionTable); rc != SQLITE_OK) {
    return fail(db.error(rc, "create schema_version"));
  }
  version = current_version(db);
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  if (version > newest) {
    throw StoreOpenError("store: database " + db.path().string() + " has schema version " +
                         std::to_string(version) + " but this parley knows only up to " +
                         std::to_string(newest) + "; use a newer parley");
  }
  for (const auto& m : migrations) {
    if (m.version <= version) continue;
    if (int rc = db.exec(m.sql); rc != SQLITE_OK) {
      return fail(db.error(rc, "migration " + std::string(m.name)));
    }
    auto st = db.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, ?3)");
    st.bind_int(1, m.version).bind_text(2, m.name).bind_int(3, unix_now());
    if (int rc = st.step(); rc != SQLITE_DONE) return fail(db.error(rc, "record migration"));
    version = m.version;
  }
  return Ok{};
}

}  // namespace

int apply_migrations(Database& db, const std::vector<Migration>& migrations) {
  check_order(migrations);
  int version = 0;
  auto status = db.transaction([&] { return apply_pending(db, migrations, version); });
  if (!status.ok()) {
    throw StoreOpenError("store: database " + db.path().string() +
                         ": schema migration failed, nothing changed: " + status.error().message);
  }
  return version;
}

}  // namespace parley::store::sqlite
