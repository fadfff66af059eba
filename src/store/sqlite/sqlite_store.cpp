#include "store/sqlite/sqlite_store.hpp"

#include <sqlite3.h>

#include "store/sqlite/database.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_buddy_repository.hpp"
#include "store/sqlite/sqlite_message_repository.hpp"
#include "store/sqlite/sqlite_number_repository.hpp"
#include "store/sqlite/sqlite_registration_repository.hpp"
#include "store/sqlite/sqlite_room_repository.hpp"
#include "store/sqlite/sqlite_sip_account_repository.hpp"
#include "store/sqlite/sqlite_user_repository.hpp"

namespace parley::store::sqlite {

namespace {

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::filesystem::path& path, OpenCheck check)
      : db_(path, check),
        version_(apply_migrations(db_, embedded_migrations())),
        users_(db_),
        accounts_(db_),
        numbers_(db_),
        registrations_(db_),
        rooms_(db_),
        messages_(db_),
        buddies_(db_) {}

  UserRepository& users() override { return users_; }
  SipAccountRepository& accounts() override { return accounts_; }
  NumberRepository& numbers() override { return numbers_; }
  RegistrationRepository& registrations() override { return registrations_; }
  RoomRepository& rooms() override { return rooms_; }
  MessageRepository& messages() override { return messages_; }
  BuddyRepository& buddies() override { return buddies_; }
  int schema_version() override { return version_; }

  std::int64_t data_version() override {
    auto st = db_.prepare("PRAGMA data_version");
    return st.step() == SQLITE_ROW ? st.int64(0) : -1;
  }

  StoreStatus transaction(const std::function<StoreStatus()>& body) override {
    return db_.transaction(body);
  }

  StoreResult<Directory> load_directory() override {
    Directory dir;
    // One transaction, so the three reads see the same snapshot.
    auto status = db_.transaction([&]() -> StoreStatus {
      auto users = users_.list();
      if (!users.ok()) return fail(users.error());
      dir.users = std::move(users.value());
      if (auto s = read_accounts(dir); !s.ok()) return s;
      return read_numbers(dir);
    });
    if (!status.ok()) return fail(status.error());
    return dir;
  }

 private:
  StoreStatus read_accounts(Directory& dir) {
    auto st = db_.prepare(
        "SELECT id, user_id, username, realm, ha1_md5, ha1_sha256 FROM sip_accounts ORDER BY id");
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
      dir.accounts.push_back(SipAccount{AccountId(static_cast<std::uint64_t>(st.int64(0))),
                                        UserId(static_cast<std::uint64_t>(st.int64(1))),
                                        st.text(2), st.text(3), st.text(4), st.text(5)});
    }
    if (rc != SQLITE_DONE) return fail(db_.error(rc, "load SIP accounts"));
    return Ok{};
  }

  StoreStatus read_numbers(Directory& dir) {
    auto st = db_.prepare("SELECT id, user_id, number FROM numbers ORDER BY id");
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
      dir.numbers.push_back(Number{NumberId(static_cast<std::uint64_t>(st.int64(0))),
                                   UserId(static_cast<std::uint64_t>(st.int64(1))), st.text(2)});
    }
    if (rc != SQLITE_DONE) return fail(db_.error(rc, "load numbers"));
    return Ok{};
  }

  Database db_;
  int version_;
  SqliteUserRepository users_;
  SqliteSipAccountRepository accounts_;
  SqliteNumberRepository numbers_;
  SqliteRegistrationRepository registrations_;
  SqliteRoomRepository rooms_;
  SqliteMessageRepository messages_;
  SqliteBuddyRepository buddies_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& path, OpenCheck check) {
  return std::make_unique<SqliteStore>(path, check);
}

}  // namespace parley::store::sqlite
