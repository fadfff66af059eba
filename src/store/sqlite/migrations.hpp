// Schema migrations: numbered SQL files (src/store/migrations/NNNN_name.sql)
// embedded into the binary at build time, applied in one transaction when a
// database is opened. Thread: store.
#pragma once

#include <string_view>
#include <vector>

namespace parley::store::sqlite {

class Database;

struct Migration {
  int version;            // NNNN from the file name
  std::string_view name;  // the file name, for messages
  std::string_view sql;
};

// Generated at build time from src/store/migrations/*.sql, sorted by version.
const std::vector<Migration>& embedded_migrations();

// Brings the database to the newest version in `migrations` inside one
// transaction and returns that version. Running it again changes nothing.
// Throws StoreOpenError if a migration fails, versions are not strictly
// increasing, or the database is newer than this program.
int apply_migrations(Database& db, const std::vector<Migration>& migrations);

}  // namespace parley::store::sqlite
