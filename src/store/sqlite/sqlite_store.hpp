// The embedded SQLite implementation of Store: one database file, WAL mode,
// migrations applied at open. Created by app/ at start-up (or by the command
// line); then used from one thread at a time. Thread: store.
#pragma once

#include <filesystem>
#include <memory>

#include "store/sqlite/database.hpp"
#include "store/store.hpp"

namespace parley::store::sqlite {

// Opens (creating if missing) the database at `path` and migrates it to the
// newest schema. Throws StoreOpenError with a message naming the file if it
// cannot be opened, is not a database, is corrupt (every page is read only
// with OpenCheck::Full) or is too new.
std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& path,
                                         OpenCheck check = OpenCheck::Full);

}  // namespace parley::store::sqlite
