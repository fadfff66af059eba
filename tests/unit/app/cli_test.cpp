#include "app/lib/cli.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/lib/config.hpp"
#include "app/lib/demo.hpp"
#include "sip/auth/digest_hash.hpp"
#include "store/sqlite/database.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::app {
namespace {

namespace fs = std::filesystem;

class CliTest : public ::testing::Test {
 protected:
  CliTest() {
    std::string tmpl = (fs::temp_directory_path() / "parley-cli-XXXXXX").string();
    root_ = mkdtemp(tmpl.data());
    data_ = root_ / "data";
  }
  ~CliTest() override { fs::remove_all(root_); }

  // Runs `parley --data DATA args...`; keeps stdout/stderr of the last run.
  int run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--data", data_.string()});
    std::ostringstream out, err;
    const int rc = run_cli(args, out, err);
    out_ = out.str();
    err_ = err.str();
    return rc;
  }

  std::unique_ptr<store::Store> open_store() {
    return store::sqlite::open_sqlite_store(data_ / "parley.db");
  }

  fs::path write_file(const std::string& name, const std::string& text) {
    const fs::path p = root_ / name;
    std::ofstream(p) << text;
    return p;
  }

  fs::path root_;
  fs::path data_;
  std::string out_;
  std::string err_;
};

TEST_F(CliTest, UserAddListPasswdRemove) {
  ASSERT_EQ(run({"user", "add", "Alice", "--password", "pw1", "--display-name", "Alice L"}), 0)
      << err_;
  EXPECT_TRUE(fs::exists(data_ / "parley.db"));
  ASSERT_EQ(run({"user", "add", "bob", "--password", "pw2"}), 0);
  ASSERT_EQ(run({"user", "list"}), 0);
  EXPECT_EQ(out_, "alice\tAlice L\nbob\t\n");
  EXPECT_EQ(run({"user", "add", "ALICE", "--password", "x"}), 1);
  EXPECT_EQ(err_, "parley: error: user \"alice\" already exists\n");

  ASSERT_EQ(run({"user", "passwd", "alice", "--password", "pw3"}), 0);
  {
    auto s = open_store();
    EXPECT_TRUE(*s->users().verify_web_password("alice", "pw3"));
    EXPECT_FALSE(*s->users().verify_web_password("alice", "pw1"));
  }
  EXPECT_EQ(run({"user", "passwd", "nobody", "--password", "x"}), 1);
  EXPECT_EQ(err_, "parley: error: no user \"nobody\"\n");

  ASSERT_EQ(run({"user", "remove", "bob"}), 0);
  EXPECT_EQ(run({"user", "remove", "bob"}), 1);
  ASSERT_EQ(run({"user", "list"}), 0);
  EXPECT_EQ(out_, "alice\tAlice L\n");
}

TEST_F(CliTest, CommandsDoNotReadTheWholeDatabase) {
  // A command touches a few rows: it must not pay for reading every page of
  // a large history (the server's start does, and refuses a corrupt file).
  ASSERT_EQ(run({"user", "add", "alice", "--password", "pw1"}), 0) << err_;
  const fs::path db = data_ / "parley.db";
  {
    store::sqlite::Database d(db);
    ASSERT_EQ(d.exec("PRAGMA journal_mode=DELETE; CREATE TABLE filler (x TEXT);"
                     "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000)"
                     " INSERT INTO filler SELECT printf('%0100d', n) FROM c;"),
              SQLITE_OK)
        << d.last_message();
  }
  const auto size = fs::file_size(db);
  {
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size - 8 * 4096));
    const std::string garbage(4096, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  EXPECT_EQ(run({"user", "list"}), 0) << err_;
  EXPECT_NE(out_.find("alice"), std::string::npos);
  EXPECT_THROW(store::sqlite::open_sqlite_store(db), store::StoreOpenError);
}

TEST_F(CliTest, GlobalOptionsAfterTheSubcommand) {
  std::ostringstream out, err;
  ASSERT_EQ(run_cli({"user", "add", "carol", "--password", "p", "--data", data_.string()}, out, err),
            0)
      << err.str();
  EXPECT_TRUE(fs::exists(data_ / "parley.db"));
}

TEST_F(CliTest, BadNamesSayTheRule) {
  EXPECT_EQ(run({"user", "add", "-bad", "--password", "x"}), 2);  // looks like an option
  EXPECT_EQ(run({"user", "add", "a/b", "--password", "x"}), 1);
  EXPECT_NE(err_.find("[a-z0-9][a-z0-9._-]{0,63}"), std::string::npos) << err_;
  EXPECT_EQ(run({"user", "add", std::string(65, 'a'), "--password", "x"}), 1);
  EXPECT_EQ(run({"user", "add", "ok", "--password", ""}), 1);
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(run({}), 2);
  EXPECT_EQ(run({"user"}), 2);
  EXPECT_EQ(run({"user", "add", "alice"}), 2);  // --password missing
  EXPECT_EQ(run({"frobnicate"}), 2);
  EXPECT_EQ(run({"identity", "add", "alice", "fax", "123"}), 2);
  EXPECT_EQ(run({"identity", "add", "alice", "sip", "alice"}), 2);  // --password missing
  EXPECT_EQ(run({"identity", "add", "alice", "tel", "+123456", "--password", "x"}), 2);
  std::ostringstream out, err;
  EXPECT_EQ(run_cli({"--help"}, out, err), 0);
  EXPECT_NE(out.str().find("user"), std::string::npos);
}

TEST_F(CliTest, Identities) {
  ASSERT_EQ(run({"user", "add", "alice", "--password", "pw"}), 0);
  ASSERT_EQ(run({"user", "add", "bob", "--password", "pw"}), 0);
  ASSERT_EQ(run({"identity", "add", "alice", "sip", "alice", "--password", "s1"}), 0) << err_;
  ASSERT_EQ(run({"identity", "add", "alice", "sip", "Alice2", "--password", "s2"}), 0);
  ASSERT_EQ(run({"identity", "add", "alice", "tel", "+15551234567"}), 0);
  EXPECT_EQ(run({"identity", "add", "bob", "tel", "+15551234567"}), 1);
  EXPECT_EQ(run({"identity", "add", "bob", "tel", "5551234"}), 1);
  EXPECT_NE(err_.find("E.164"), std::string::npos);
  EXPECT_EQ(run({"identity", "add", "bob", "sip", "alice", "--password", "x"}), 1);
  EXPECT_EQ(run({"identity", "add", "nobody", "sip", "zed", "--password", "x"}), 1);
  EXPECT_EQ(err_, "parley: error: no user \"nobody\"\n");
  ASSERT_EQ(run({"identity", "list", "alice"}), 0);
  EXPECT_EQ(out_, "sip\talice\nsip\talice2\ntel\t+15551234567\n");
  {
    // HA1 uses the SIP domain (default "localhost") as realm.
    auto s = open_store();
    auto a = s->accounts().find("alice2");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->account.realm, "localhost");
    EXPECT_EQ(a->account.ha1_md5,
              sip::auth::compute_ha1(sip::auth::Algorithm::Md5, "alice2", "localhost", "s2"));
    EXPECT_EQ(a->account.ha1_sha256,
              sip::auth::compute_ha1(sip::auth::Algorithm::Sha256, "alice2", "localhost", "s2"));
  }
  EXPECT_EQ(run({"identity", "remove", "bob", "sip", "alice2"}), 1);  // not bob's
  ASSERT_EQ(run({"identity", "remove", "alice", "sip", "alice2"}), 0);
  ASSERT_EQ(run({"identity", "remove", "alice", "tel", "+15551234567"}), 0);
  ASSERT_EQ(run({"identity", "list", "alice"}), 0);
  EXPECT_EQ(out_, "sip\talice\n");
}

TEST_F(CliTest, RoomAddListRemove) {
  ASSERT_EQ(run({"user", "add", "alice", "--password", "pw"}), 0);
  ASSERT_EQ(run({"user", "add", "bob", "--password", "pw"}), 0);
  ASSERT_EQ(run({"room", "add", "Lobby", "--owner", "ALICE", "--title", "The Lobby", "--topic",
                 "Say hello"}),
            0)
      << err_;
  EXPECT_EQ(out_, "added room lobby (sip:~lobby@localhost), owner alice\n");
  ASSERT_EQ(run({"room", "add", "staff", "--owner", "bob", "--invite-only"}), 0) << err_;
  ASSERT_EQ(run({"room", "member", "add", "lobby", "bob"}), 0) << err_;
  ASSERT_EQ(run({"room", "list"}), 0);
  EXPECT_EQ(out_, "lobby\tpublic\talice\t2\nstaff\tinvite-only\tbob\t1\n");
  {
    auto s = open_store();
    auto lobby = s->rooms().find("lobby");
    ASSERT_TRUE(lobby.ok());
    EXPECT_EQ(lobby->display_name, "The Lobby");
    EXPECT_EQ(lobby->topic, "Say hello");
    EXPECT_EQ(s->rooms().find("staff")->visibility, store::RoomVisibility::Invite);
  }
  ASSERT_EQ(run({"room", "remove", "LOBBY"}), 0) << err_;
  EXPECT_EQ(run({"room", "remove", "lobby"}), 1);
  EXPECT_EQ(err_, "parley: error: no room \"lobby\"\n");
  ASSERT_EQ(run({"room", "list"}), 0);
  EXPECT_EQ(out_, "staff\tinvite-only\tbob\t1\n");
  // A removed owner's room stays, with no owner to show.
  ASSERT_EQ(run({"user", "remove", "bob"}), 0);
  ASSERT_EQ(run({"room", "list"}), 0);
  EXPECT_EQ(out_, "staff\tinvite-only\t-\t0\n");
}

TEST_F(CliTest, RoomMembers) {
  ASSERT_EQ(run({"user", "add", "alice", "--password", "pw"}), 0);
  ASSERT_EQ(run({"user", "add", "bob", "--password", "pw"}), 0);
  ASSERT_EQ(run({"user", "add", "carol", "--password", "pw"}), 0);
  ASSERT_EQ(run({"room", "add", "lobby", "--owner", "bob"}), 0);
  ASSERT_EQ(run({"room", "member", "add", "lobby", "Carol", "--admin"}), 0) << err_;
  EXPECT_EQ(out_, "added carol to room lobby as admin\n");
  ASSERT_EQ(run({"room", "member", "add", "lobby", "alice"}), 0) << err_;
  ASSERT_EQ(run({"room", "members", "lobby"}), 0);
  EXPECT_EQ(out_, "alice\tmember\nbob\towner\ncarol\tadmin\n");

  EXPECT_EQ(run({"room", "member", "add", "lobby", "alice"}), 1);
  EXPECT_EQ(err_, "parley: error: alice is already a member of room lobby\n");
  ASSERT_EQ(run({"room", "member", "remove", "lobby", "alice"}), 0) << err_;
  EXPECT_EQ(out_, "removed alice from room lobby\n");
  EXPECT_EQ(run({"room", "member", "remove", "lobby", "alice"}), 1);
  EXPECT_EQ(err_, "parley: error: alice is not a member of room lobby\n");
  EXPECT_EQ(run({"room", "member", "remove", "lobby", "bob"}), 1);  // the owner stays
  EXPECT_NE(err_.find("bob owns room lobby"), std::string::npos) << err_;
  ASSERT_EQ(run({"room", "members", "lobby"}), 0);
  EXPECT_EQ(out_, "bob\towner\ncarol\tadmin\n");
}

TEST_F(CliTest, RoomErrorsAreClear) {
  ASSERT_EQ(run({"user", "add", "alice", "--password", "pw"}), 0);
  EXPECT_EQ(run({"room", "add", "lobby", "--owner", "nobody"}), 1);
  EXPECT_EQ(err_, "parley: error: no user \"nobody\"\n");
  EXPECT_EQ(run({"room", "add", "a b", "--owner", "alice"}), 1);
  EXPECT_NE(err_.find("room name \"a b\" is not valid"), std::string::npos) << err_;
  EXPECT_EQ(run({"room", "add", "~lobby", "--owner", "alice"}), 1);
  ASSERT_EQ(run({"room", "add", "lobby", "--owner", "alice"}), 0);
  EXPECT_EQ(run({"room", "add", "LOBBY", "--owner", "alice"}), 1);
  EXPECT_EQ(err_, "parley: error: room name \"lobby\" is taken\n");
  EXPECT_EQ(run({"room", "add", "long", "--owner", "alice", "--topic", std::string(5000, 't')}),
            1);
  EXPECT_NE(err_.find("topic"), std::string::npos) << err_;
  EXPECT_EQ(run({"room", "member", "add", "nowhere", "alice"}), 1);
  EXPECT_EQ(err_, "parley: error: no room \"nowhere\"\n");
  EXPECT_EQ(run({"room", "member", "add", "lobby", "nobody"}), 1);
  EXPECT_EQ(err_, "parley: error: no user \"nobody\"\n");
  EXPECT_EQ(run({"room", "members", "nowhere"}), 1);
  EXPECT_EQ(run({"room", "member", "remove", "nowhere", "alice"}), 1);
  ASSERT_EQ(run({"room", "list"}), 0);
  EXPECT_EQ(out_, "lobby\tpublic\talice\t1\n");  // no failure left anything behind
}

TEST_F(CliTest, RoomUsageErrorsExitTwo) {
  EXPECT_EQ(run({"room"}), 2);
  EXPECT_EQ(run({"room", "add", "lobby"}), 2);  // --owner missing
  EXPECT_EQ(run({"room", "member", "add", "lobby"}), 2);
  EXPECT_EQ(run({"room", "member"}), 2);
  EXPECT_EQ(run({"room", "members"}), 2);
  EXPECT_EQ(run({"room", "remove"}), 2);
  EXPECT_EQ(run({"room", "list", "extra"}), 2);
  EXPECT_FALSE(fs::exists(data_ / "parley.db"));  // usage errors touch no data
}

TEST_F(CliTest, RoomGlobalOptionsAfterTheSubcommand) {
  std::ostringstream out, err;
  ASSERT_EQ(run_cli({"user", "add", "alice", "--password", "p", "--data", data_.string()}, out, err),
            0);
  ASSERT_EQ(run_cli({"room", "add", "lobby", "--owner", "alice", "--data", data_.string()}, out,
                    err),
            0)
      << err.str();
  ASSERT_EQ(run_cli({"room", "member", "add", "lobby", "alice", "--data", data_.string()}, out,
                    err),
            1);
  EXPECT_NE(err.str().find("already a member"), std::string::npos) << err.str();
}

TEST_F(CliTest, RealmFollowsConfiguredDomain) {
  const fs::path cfg = write_file("p.toml", "[sip]\ndomain = \"example.org\"\n");
  ASSERT_EQ(run({"--config", cfg.string(), "user", "add", "alice", "--password", "p"}), 0);
  ASSERT_EQ(run({"--config", cfg.string(), "identity", "add", "alice", "sip", "desk", "--password",
                 "s"}),
            0);
  EXPECT_EQ(open_store()->accounts().find("desk")->account.realm, "example.org");
}

TEST_F(CliTest, BadConfigIsARuntimeError) {
  const fs::path cfg = write_file("bad.toml", "[sip]\nlisten = [\"foo:1.2.3.4:5\"]\n");
  EXPECT_EQ(run({"--config", cfg.string(), "user", "list"}), 1);
  EXPECT_EQ(err_, "parley: error: config: sip.listen[0]: unknown transport \"foo\" (udp, tcp, tls, ws, wss)\n");
}

TEST_F(CliTest, CorruptDatabaseIsARuntimeError) {
  fs::create_directories(data_);
  std::ofstream(data_ / "parley.db") << std::string(4096, 'z');
  EXPECT_EQ(run({"user", "list"}), 1);
  EXPECT_NE(err_.find("parley.db"), std::string::npos) << err_;
}

TEST_F(CliTest, ConfigDefaultPrintsParsableToml) {
  ASSERT_EQ(run({"config", "default"}), 0);
  EXPECT_EQ(parse_config(out_), Config{});
  EXPECT_FALSE(fs::exists(data_));  // printing the defaults touches no data
}

TEST_F(CliTest, ImportThousandUsers) {
  std::string csv = "name,web_password,sip_username,sip_password\n";
  for (int i = 0; i < 1000; ++i) {
    const std::string n = "user" + std::to_string(i);
    csv += n + ",," + n + ",secret" + std::to_string(i) + "\r\n";
  }
  csv += "user7,,user7-desk,\"pw,with \"\"comma\"\"\"\n";  // second account of user7
  csv += "loner,,,\n";                                      // no web login, no SIP account
  ASSERT_EQ(run({"user", "import", write_file("u.csv", csv).string()}), 0) << err_;
  EXPECT_EQ(out_.rfind("imported 1001 users and 1001 SIP accounts in ", 0), 0u) << out_;
  auto s = open_store();
  auto dir = s->load_directory();
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(dir->users.size(), 1001u);
  EXPECT_EQ(dir->accounts.size(), 1001u);
  auto desk = s->accounts().find("user7-desk");
  ASSERT_TRUE(desk.ok());
  EXPECT_EQ(desk->user_name, "user7");
  EXPECT_EQ(desk->account.ha1_md5, sip::auth::compute_ha1(sip::auth::Algorithm::Md5, "user7-desk",
                                                          "localhost", "pw,with \"comma\""));
}

TEST_F(CliTest, ImportWithWebPasswords) {
  const std::string csv = "dora,dora-pw,dora,dora-sip\neve,eve-pw,,\n";
  ASSERT_EQ(run({"user", "import", write_file("u.csv", csv).string()}), 0) << err_;
  auto s = open_store();
  EXPECT_TRUE(*s->users().verify_web_password("dora", "dora-pw"));
  EXPECT_TRUE(*s->users().verify_web_password("eve", "eve-pw"));
  EXPECT_FALSE(*s->users().verify_web_password("eve", "dora-pw"));
}

TEST_F(CliTest, ImportFailureNamesLineAndImportsNothing) {
  ASSERT_EQ(run({"user", "add", "taken", "--password", "p"}), 0);
  struct Case {
    std::string csv;
    std::string error_part;
  };
  const std::vector<Case> cases{
      {"a1,,a1,p\na2,,a2,p\nBad Name,,,\n", "line 3: user name \"bad name\""},
      {"a1,,a1,p\na2,,a2\n", "line 2: sip_username and sip_password go together"},
      {"a1,,x1,p\na2,,x1,p\n", "line 2: SIP username \"x1\" already exists"},
      {"a1,,a1,p\ntaken,,,\n", "line 2: user \"taken\" already exists"},
      {"a1,,a1,p\na2,,taken,p\n", "line 2: SIP username \"taken\" is the name of another user"},
      {"a1,,a1,p\na1,pw,a1b,p\n", "line 2: web password for \"a1\" already given on line 1"},
      {"a1,,a1,p\na2,\"x,,\n", "line 2: unbalanced quote"},
      {"a1,,a1,p,extra\n", "line 1: expected"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(run({"user", "import", write_file("bad.csv", c.csv).string()}), 1) << c.csv;
    EXPECT_NE(err_.find(c.error_part), std::string::npos) << "stderr: " << err_;
    EXPECT_NE(err_.find("nothing imported"), std::string::npos) << err_;
    ASSERT_EQ(run({"user", "list"}), 0);
    EXPECT_EQ(out_, "taken\t\n") << "after: " << c.csv;
  }
  EXPECT_EQ(run({"user", "import", (root_ / "missing.csv").string()}), 1);
}

TEST_F(CliTest, DemoCommunityIsIdempotent) {
  auto s = store::sqlite::open_sqlite_store(root_ / "demo.db");
  Config config;
  const std::string text = ensure_demo_community(*s, config);
  EXPECT_NE(text.find("http://127.0.0.1:8080/"), std::string::npos) << text;
  EXPECT_NE(text.find("alice2"), std::string::npos) << text;
  EXPECT_NE(text.find("127.0.0.1:5060 (udp)"), std::string::npos) << text;
  config.sip.domain = "demo.example";
  EXPECT_NE(ensure_demo_community(*s, config).find("sip:bob@demo.example"), std::string::npos);
  auto dir = s->load_directory();
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(dir->users.size(), 3u);
  EXPECT_EQ(dir->accounts.size(), 4u);
  EXPECT_TRUE(*s->users().verify_web_password("alice", "alice-pw"));
  auto bob = s->accounts().find("bob");
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(bob->account.realm, "demo.example");  // refreshed for the new domain
  EXPECT_EQ(bob->account.ha1_md5,
            sip::auth::compute_ha1(sip::auth::Algorithm::Md5, "bob", "demo.example", "bob-sip"));
  EXPECT_EQ(s->accounts().find("alice2")->user_name, "alice");
}

TEST_F(CliTest, DemoCommunityHasRooms) {
  auto s = store::sqlite::open_sqlite_store(root_ / "demo.db");
  Config config;
  const std::string text = ensure_demo_community(*s, config);
  EXPECT_NE(text.find("Rooms: lobby sip:~lobby@localhost, random sip:~random@localhost, staff "
                      "sip:~staff@localhost (invite-only)\n"),
            std::string::npos)
      << text;
  const UserId alice = s->users().find("alice")->id;
  const UserId bob = s->users().find("bob")->id;
  auto names = [&](const std::string& room) {
    std::vector<std::string> out;
    auto members = s->rooms().members(s->rooms().find(room)->id);
    EXPECT_TRUE(members.ok());
    for (const auto& m : *members) {
      out.push_back(m.user_name + ":" + (m.role == store::RoomRole::Owner ? "owner" : "member"));
    }
    return out;
  };
  auto lobby = s->rooms().find("lobby");
  ASSERT_TRUE(lobby.ok());
  EXPECT_EQ(lobby->display_name, "Lobby");
  EXPECT_EQ(lobby->topic, "Say hello");
  EXPECT_EQ(lobby->visibility, store::RoomVisibility::Public);
  EXPECT_EQ(lobby->owner, alice);
  EXPECT_EQ(names("lobby"), (std::vector<std::string>{"alice:owner", "bob:member", "carol:member"}));
  EXPECT_EQ(s->rooms().find("random")->owner, bob);
  EXPECT_EQ(s->rooms().find("random")->visibility, store::RoomVisibility::Public);
  EXPECT_EQ(names("random"), (std::vector<std::string>{"alice:member", "bob:owner"}));
  EXPECT_EQ(s->rooms().find("staff")->visibility, store::RoomVisibility::Invite);
  EXPECT_EQ(s->rooms().find("staff")->owner, alice);
  EXPECT_EQ(names("staff"), (std::vector<std::string>{"alice:owner"}));

  // carol left the lobby and the topic changed: a second start changes neither.
  ASSERT_TRUE(s->rooms().remove_member(lobby->id, s->users().find("carol")->id).ok());
  ASSERT_TRUE(s->rooms().set_topic(lobby->id, "new topic").ok());
  ensure_demo_community(*s, config);
  EXPECT_EQ(names("lobby"), (std::vector<std::string>{"alice:owner", "bob:member"}));
  EXPECT_EQ(s->rooms().find("lobby")->topic, "new topic");
  EXPECT_EQ(s->rooms().list_all()->size(), 3u);
  EXPECT_EQ(s->rooms().find("lobby")->id, lobby->id);  // the same room, not a new one
}

}  // namespace
}  // namespace parley::app
