#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "store/password.hpp"
#include "store/sqlite/database.hpp"
#include "store/sqlite/migrations.hpp"

namespace parley::store {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "parley-store-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

NewSipAccount account(std::string username) {
  return NewSipAccount{std::move(username), "localhost", std::string(32, 'a'), std::string(64, 'b')};
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  fs::path db_path() const { return dir_.path() / "parley.db"; }
  std::unique_ptr<Store> open() { return sqlite::open_sqlite_store(db_path()); }
  // A database as a server older than schema `version` left it, holding
  // what `sql` inserts: for tests of the migrations that follow.
  void make_database_before(int version, const char* sql) {
    sqlite::Database db(db_path());
    std::vector<sqlite::Migration> before;
    for (const auto& m : sqlite::embedded_migrations()) {
      if (m.version < version) before.push_back(m);
    }
    sqlite::apply_migrations(db, before);
    ASSERT_EQ(db.exec(sql), SQLITE_OK) << db.last_message();
  }
  UserId add_user(Store& s, const std::string& name) {
    auto id = s.users().add(NewUser{name, "", ""});
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
    return id.ok() ? *id : UserId();
  }

  TempDir dir_;
};

TEST_F(SqliteStoreTest, MigrationsApplyOnceAcrossReopen) {
  {
    auto s = open();
    EXPECT_EQ(s->schema_version(), sqlite::embedded_migrations().back().version);
    add_user(*s, "alice");
  }
  auto s = open();  // second open must not re-run 0001 (CREATE TABLE would fail)
  EXPECT_EQ(s->schema_version(), sqlite::embedded_migrations().back().version);
  ASSERT_TRUE(s->users().find("alice").ok());
  sqlite::Database db(db_path());
  auto st = db.prepare("SELECT count(*) FROM schema_version");
  ASSERT_EQ(st.step(), SQLITE_ROW);
  EXPECT_EQ(st.int64(0), static_cast<std::int64_t>(sqlite::embedded_migrations().size()));
}

TEST_F(SqliteStoreTest, QueueSizesMigrationCountsQueuesAlreadyThere) {
  {
    // A database from before version 5 whose queue is already over the bound.
    sqlite::Database db(db_path());
    std::vector<sqlite::Migration> before_5;
    for (const auto& m : sqlite::embedded_migrations()) {
      if (m.version < 5) before_5.push_back(m);
    }
    ASSERT_EQ(sqlite::apply_migrations(db, before_5), 4);
    ASSERT_EQ(db.exec("INSERT INTO users (id, name, created_at) VALUES (1, 'alice', 0);"
                      "INSERT INTO rooms (id, name, owner_id, visibility, created_at) "
                      "  VALUES (1, 'lobby', 1, 'public', 0);"
                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1003)"
                      "  INSERT INTO messages (room_id, sender_id, body, created_at)"
                      "  SELECT 1, 1, 'm' || i, i FROM n;"
                      "INSERT INTO offline_queue (identity, message_id) SELECT 'old', id FROM messages;"),
              SQLITE_OK)
        << db.last_message();
  }
  auto s = open();
  NewMessage m;
  m.room = RoomId(1);
  m.sender = UserId(1);
  m.body = "new";
  ASSERT_TRUE(s->messages().append(m, {"old"}).ok());
  // The migration counted 1003, so this append trims the queue to the bound.
  std::size_t queued = 0;
  MessageId first;
  for (;;) {
    auto page = s->messages().pending("old", MessageRepository::kMaxPage);
    ASSERT_TRUE(page.ok());
    if (page->empty()) break;
    if (!first.valid()) first = page->front().id;
    std::vector<MessageId> ids;
    for (const auto& p : *page) ids.push_back(p.id);
    ASSERT_TRUE(s->messages().mark_delivered("old", ids).ok());
    queued += ids.size();
  }
  EXPECT_EQ(queued, MessageRepository::kMaxQueuedPerIdentity);
  EXPECT_EQ(first, MessageId(5));
}

TEST_F(SqliteStoreTest, MessagesIndexedByTheOldTriggerStaySearchable) {
  // A database made before version 6, whose insert trigger indexed every
  // message in its own commit.
  make_database_before(6,
                       "INSERT INTO users (id, name, created_at) VALUES (1, 'alice', 0);"
                       "INSERT INTO messages (recipient_id, sender_id, body, created_at) VALUES "
                       "(1, 1, 'old words one', 1), (1, 1, 'old words two', 2);");
  auto s = open();
  EXPECT_EQ(*s->messages().index_pending(100), 0u);  // nothing indexed twice
  EXPECT_EQ(s->messages().search(UserId(1), "old", RoomId(), 10)->size(), 2u);
  s.reset();
  sqlite::Database db(db_path());
  ASSERT_EQ(db.exec("DELETE FROM messages WHERE body = 'old words one'"), SQLITE_OK);
  EXPECT_EQ(db.exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)"),
            SQLITE_OK)
      << db.last_message();
}

TEST_F(SqliteStoreTest, RegistrationsSurviveTheMoveToAWithoutRowidTable) {
  // A database made before version 7 (rowid table, expiry index).
  make_database_before(7,
                       "INSERT INTO users (id, name, created_at) VALUES (1, 'alice', 0);"
                       "INSERT INTO sip_accounts (id, user_id, username, realm, ha1_md5,"
                       " ha1_sha256, created_at) VALUES (3, 1, 'alice', 'localhost', 'm', 's', 0);"
                       "INSERT INTO registrations (account_id, contact, transport,"
                       " received_address, received_port, call_id, cseq, expires_at, updated_at,"
                       " user_agent) VALUES (3, '<sip:alice@192.0.2.7>', 'udp', '192.0.2.7', 5060,"
                       " 'c1', 9, 2000, 1000, 'baresip');");
  auto s = open();
  auto all = s->registrations().load_all();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->at(0).account_id, AccountId(3));
  EXPECT_EQ(all->at(0).contact, "<sip:alice@192.0.2.7>");
  EXPECT_EQ(all->at(0).cseq, 9u);
  EXPECT_EQ(all->at(0).user_agent, "baresip");
  // Same contact: updated in place, not a second row.
  auto r = all->at(0);
  r.cseq = 10;
  ASSERT_TRUE(s->registrations().save(r).ok());
  EXPECT_EQ(s->registrations().load_all()->size(), 1u);
  // The account's removal still takes its registrations along.
  ASSERT_TRUE(s->accounts().remove(UserId(1), "alice").ok());
  EXPECT_TRUE(s->registrations().load_all()->empty());
}

TEST_F(SqliteStoreTest, FailedMigrationChangesNothing) {
  sqlite::Database db(db_path());
  std::vector<sqlite::Migration> bad{{1, "0001_ok.sql", "CREATE TABLE t (x INTEGER);"},
                                     {2, "0002_bad.sql", "CREATE TABLE oops ("}};
  EXPECT_THROW(sqlite::apply_migrations(db, bad), StoreOpenError);
  auto st = db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 't'");
  ASSERT_EQ(st.step(), SQLITE_ROW);
  EXPECT_EQ(st.int64(0), 0);
}

TEST_F(SqliteStoreTest, NewerSchemaIsRefused) {
  { open(); }
  {
    sqlite::Database db(db_path());
    ASSERT_EQ(db.exec("INSERT INTO schema_version VALUES (9999, '9999_future.sql', 0)"), SQLITE_OK);
  }
  try {
    open();
    FAIL() << "expected StoreOpenError";
  } catch (const StoreOpenError& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 9999"), std::string::npos) << e.what();
  }
}

TEST_F(SqliteStoreTest, OnlyTheFullCheckReadsEveryPage) {
  // A database whose schema is sound but one page of a table is garbage.
  {
    sqlite::Database db(db_path());
    ASSERT_EQ(db.exec("PRAGMA journal_mode=DELETE; CREATE TABLE filler (x TEXT);"
                      "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000)"
                      " INSERT INTO filler SELECT printf('%0100d', n) FROM c;"),
              SQLITE_OK)
        << db.last_message();
  }
  const auto size = fs::file_size(db_path());
  ASSERT_GT(size, 20u * 4096u);
  {
    std::fstream f(db_path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size - 8 * 4096));
    const std::string garbage(4096, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  // The command line opens it (it touches a few rows, not the whole file)...
  EXPECT_NO_THROW(sqlite::Database(db_path(), sqlite::OpenCheck::Schema));
  // ...the server's start refuses it and says why.
  try {
    sqlite::Database db(db_path(), sqlite::OpenCheck::Full);
    FAIL() << "expected StoreOpenError";
  } catch (const StoreOpenError& e) {
    EXPECT_NE(std::string(e.what()).find("is corrupt"), std::string::npos) << e.what();
  }
}

TEST_F(SqliteStoreTest, SchemaCheckStillRefusesAFileThatIsNoDatabase) {
  std::ofstream(db_path()) << std::string(8192, 'x');
  EXPECT_THROW(sqlite::Database(db_path(), sqlite::OpenCheck::Schema), StoreOpenError);
}

TEST_F(SqliteStoreTest, GarbageFileGivesClearError) {
  std::ofstream(db_path()) << std::string(8192, 'x');
  try {
    open();
    FAIL() << "expected StoreOpenError";
  } catch (const StoreOpenError& e) {
    EXPECT_NE(std::string(e.what()).find(db_path().string()), std::string::npos) << e.what();
  }
}

TEST_F(SqliteStoreTest, UniquenessErrorsAreValues) {
  auto s = open();
  UserId alice = add_user(*s, "alice");
  UserId bob = add_user(*s, "bob");
  auto dup = s->users().add(NewUser{"alice", "", ""});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, StoreErrorCode::Duplicate);
  EXPECT_EQ(dup.error().message, "user \"alice\" already exists");
  // The column is NOCASE: a direct "ALICE" is the same name.
  EXPECT_EQ(s->users().add(NewUser{"ALICE", "", ""}).error().code, StoreErrorCode::Invalid);
  EXPECT_TRUE(s->users().find("ALICE").ok());

  ASSERT_TRUE(s->accounts().add(alice, account("alice")).ok());  // own name is fine
  EXPECT_EQ(s->accounts().add(bob, account("alice")).error().code, StoreErrorCode::Duplicate);
  EXPECT_EQ(s->accounts().add(alice, account("bob")).error().code, StoreErrorCode::Duplicate);
  ASSERT_TRUE(s->accounts().add(alice, account("desk")).ok());
  // A new user may not take the name of another user's account.
  EXPECT_EQ(s->users().add(NewUser{"desk", "", ""}).error().code, StoreErrorCode::Duplicate);
  EXPECT_EQ(s->accounts().add(UserId(999), account("ghost")).error().code,
            StoreErrorCode::NotFound);

  ASSERT_TRUE(s->numbers().add(alice, "+15551234567").ok());
  EXPECT_EQ(s->numbers().add(bob, "+15551234567").error().code, StoreErrorCode::Duplicate);
  EXPECT_EQ(s->numbers().add(bob, "15551234567").error().code, StoreErrorCode::Invalid);
  EXPECT_EQ(s->numbers().add(bob, "+12").error().code, StoreErrorCode::Invalid);
  EXPECT_EQ(s->numbers().add(bob, "+1234567890123456").error().code, StoreErrorCode::Invalid);
  EXPECT_EQ(s->numbers().remove(bob, "+15551234567").error().code, StoreErrorCode::NotFound);
}

TEST_F(SqliteStoreTest, AccountLookupReturnsUserAndHashes) {
  auto s = open();
  UserId alice = add_user(*s, "alice");
  ASSERT_TRUE(s->accounts().add(alice, account("alice2")).ok());
  auto found = s->accounts().find("ALICE2");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->user_name, "alice");
  EXPECT_EQ(found->account.user_id, alice);
  EXPECT_EQ(found->account.ha1_md5, std::string(32, 'a'));
  EXPECT_EQ(found->account.ha1_sha256, std::string(64, 'b'));
  ASSERT_TRUE(s->accounts().set_credentials("alice2", "example.org", "m", "s").ok());
  EXPECT_EQ(s->accounts().find("alice2")->account.realm, "example.org");
  EXPECT_EQ(s->accounts().find("nobody").error().code, StoreErrorCode::NotFound);
  ASSERT_EQ(s->accounts().list_for_user(alice)->size(), 1u);
  EXPECT_EQ(s->accounts().remove(UserId(alice.value() + 1), "alice2").error().code,
            StoreErrorCode::NotFound);
  EXPECT_TRUE(s->accounts().remove(alice, "alice2").ok());
  EXPECT_TRUE(s->accounts().list_for_user(alice)->empty());
}

Registration binding(AccountId account, std::string contact, std::int64_t expires_at) {
  Registration r;
  r.account_id = account;
  r.contact = std::move(contact);
  r.instance_id = "<urn:uuid:00000000-0000-0000-0000-000000000001>";
  r.reg_id = 1;
  r.transport = "tcp";
  r.received_address = "192.0.2.7";
  r.received_port = 50123;
  r.path = "<sip:edge.example;lr>";
  r.q = 0.5;
  r.call_id = "abc@host";
  r.cseq = 42;
  r.expires_at = expires_at;
  r.updated_at = 1000;
  r.user_agent = "softphone/1.0";
  return r;
}

TEST_F(SqliteStoreTest, RegistrationsRoundTripUpsertAndExpire) {
  auto s = open();
  UserId alice = add_user(*s, "alice");
  AccountId a = *s->accounts().add(alice, account("alice"));
  AccountId b = *s->accounts().add(alice, account("alice2"));
  auto r1 = binding(a, "<sip:alice@192.0.2.7:50123;transport=tcp>", 2000);
  ASSERT_TRUE(s->registrations().save(r1).ok());
  r1.cseq = 43;  // re-REGISTER of the same contact updates in place
  r1.expires_at = 2100;
  ASSERT_TRUE(s->registrations().save(r1).ok());
  auto r2 = binding(a, "<sip:alice@198.51.100.1>", 1500);
  auto r3 = binding(b, "<sip:alice2@198.51.100.2>", 3000);
  ASSERT_TRUE(s->registrations().save(r2).ok());
  ASSERT_TRUE(s->registrations().save(r3).ok());
  EXPECT_EQ(s->registrations().save(binding(AccountId(999), "<sip:x@y>", 1)).error().code,
            StoreErrorCode::NotFound);

  auto all = s->registrations().load_all();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(all->at(0), r1);  // ordered by account, contact
  EXPECT_EQ(all->at(1), r2);
  EXPECT_EQ(all->at(2), r3);

  EXPECT_EQ(*s->registrations().delete_expired(1499), 0u);
  EXPECT_EQ(*s->registrations().delete_expired(2100), 2u);
  ASSERT_EQ(s->registrations().load_all()->size(), 1u);
  ASSERT_TRUE(s->registrations().remove_all_for_account(b).ok());
  EXPECT_TRUE(s->registrations().load_all()->empty());
  ASSERT_TRUE(s->registrations().save(r2).ok());
  ASSERT_TRUE(s->registrations().remove(a, r2.contact).ok());
  EXPECT_TRUE(s->registrations().load_all()->empty());
}

TEST_F(SqliteStoreTest, RemovingUserCascades) {
  auto s = open();
  UserId alice = add_user(*s, "alice");
  AccountId a = *s->accounts().add(alice, account("alice"));
  ASSERT_TRUE(s->numbers().add(alice, "+4915112345678").ok());
  ASSERT_TRUE(s->registrations().save(binding(a, "<sip:alice@192.0.2.1>", 5000)).ok());
  ASSERT_TRUE(s->users().remove("alice").ok());
  EXPECT_EQ(s->users().remove("alice").error().code, StoreErrorCode::NotFound);
  EXPECT_EQ(s->accounts().find("alice").error().code, StoreErrorCode::NotFound);
  EXPECT_EQ(s->numbers().find("+4915112345678").error().code, StoreErrorCode::NotFound);
  EXPECT_TRUE(s->registrations().load_all()->empty());
}

TEST_F(SqliteStoreTest, DirectoryLoadsEverything) {
  auto s = open();
  UserId alice = add_user(*s, "alice");
  UserId bob = add_user(*s, "bob");
  ASSERT_TRUE(s->accounts().add(alice, account("alice")).ok());
  ASSERT_TRUE(s->accounts().add(alice, account("alice2")).ok());
  ASSERT_TRUE(s->accounts().add(bob, account("bob")).ok());
  ASSERT_TRUE(s->numbers().add(bob, "+441234567890").ok());
  auto dir = s->load_directory();
  ASSERT_TRUE(dir.ok());
  ASSERT_EQ(dir->users.size(), 2u);
  EXPECT_EQ(dir->users[0].name, "alice");
  ASSERT_EQ(dir->accounts.size(), 3u);
  EXPECT_EQ(dir->accounts[2].user_id, bob);
  ASSERT_EQ(dir->numbers.size(), 1u);
  EXPECT_EQ(dir->numbers[0].number, "+441234567890");
}

TEST_F(SqliteStoreTest, TransactionRollsBackOnFailure) {
  auto s = open();
  auto status = s->transaction([&]() -> StoreStatus {
    add_user(*s, "carol");
    // A nested transaction that fails rolls back only itself.
    auto inner = s->transaction([&]() -> StoreStatus {
      add_user(*s, "dave");
      return fail(StoreError{StoreErrorCode::Invalid, "inner"});
    });
    EXPECT_FALSE(inner.ok());
    EXPECT_FALSE(s->users().find("dave").ok());
    EXPECT_TRUE(s->users().find("carol").ok());
    return fail(StoreError{StoreErrorCode::Invalid, "outer"});
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "outer");
  EXPECT_TRUE(s->users().list()->empty());
}

TEST_F(SqliteStoreTest, WebPasswordsAreArgon2idHashes) {
  auto s = open();
  const std::string hash = hash_web_password("secret-pw");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  ASSERT_TRUE(s->users().add(NewUser{"alice", "Alice", hash}).ok());
  ASSERT_TRUE(s->users().add(NewUser{"bob", "", ""}).ok());
  EXPECT_TRUE(s->users().find("alice")->has_web_password);
  EXPECT_FALSE(s->users().find("bob")->has_web_password);
  EXPECT_TRUE(*s->users().verify_web_password("alice", "secret-pw"));
  EXPECT_FALSE(*s->users().verify_web_password("alice", "wrong"));
  EXPECT_FALSE(*s->users().verify_web_password("bob", ""));
  EXPECT_FALSE(*s->users().verify_web_password("nobody", "secret-pw"));
  // The login lookup finds names case-insensitively and says nothing more
  // for an unknown user than for one without web password.
  auto login = s->users().find_login("Alice");
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->name, "alice");
  EXPECT_TRUE(check_web_password(login->hash, "secret-pw"));
  EXPECT_TRUE(s->users().find_login("nobody")->hash.empty());
  EXPECT_TRUE(s->users().find_login("bob")->hash.empty());
  EXPECT_FALSE(check_web_password("", "secret-pw"));
  ASSERT_TRUE(s->users().set_web_password_hash("alice", "").ok());
  EXPECT_FALSE(*s->users().verify_web_password("alice", "secret-pw"));
  EXPECT_EQ(s->users().set_web_password_hash("nobody", hash).error().code,
            StoreErrorCode::NotFound);
}

}  // namespace
}  // namespace parley::store
