#include <gtest/gtest.h>
#include <sqlite3.h>

#include "chat_test_support.hpp"
#include "store/sqlite/database.hpp"
#include "store/sqlite/fts_query.hpp"

namespace parley::store::testing {
namespace {

using MessagesTest = ChatStoreTest;

std::vector<std::string> bodies(const std::vector<StoredMessage>& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms) out.push_back(m.body);
  return out;
}

// Takes everything off the identity's queue (pending() pages by kMaxPage)
// and returns it oldest first.
std::vector<MessageId> drain(MessageRepository& messages, const std::string& identity) {
  std::vector<MessageId> out;
  for (;;) {
    auto page = messages.pending(identity, MessageRepository::kMaxPage);
    EXPECT_TRUE(page.ok());
    if (!page.ok() || page->empty()) return out;
    std::vector<MessageId> ids;
    for (const auto& m : *page) ids.push_back(m.id);
    EXPECT_TRUE(messages.mark_delivered(identity, ids).ok());
    out.insert(out.end(), ids.begin(), ids.end());
  }
}

TEST(Fts5, CompiledIntoTheSystemSqlite) {
  // Debian 12's libsqlite3 is built with FTS5; the chat migration needs it.
  EXPECT_EQ(sqlite3_compileoption_used("ENABLE_FTS5"), 1);
}

TEST(Fts5Query, QuotesEveryWordAndDropsPunctuation) {
  using sqlite::fts5_query;
  EXPECT_EQ(fts5_query("hello world"), "\"hello\" \"world\"");
  EXPECT_EQ(fts5_query("  hel*  "), "\"hel\"*");
  EXPECT_EQ(fts5_query("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(fts5_query("\" * ( ) ^ : -"), "");
  EXPECT_EQ(fts5_query("NEAR(a b)"), "\"NEAR(a\" \"b)\"");
  EXPECT_EQ(fts5_query(std::string("x\0y", 3)), "\"x\" \"y\"");
  std::string many;
  for (int i = 0; i < 40; ++i) many += "w" + std::to_string(i) + " ";
  const std::string capped = fts5_query(many);
  EXPECT_EQ(std::count(capped.begin(), capped.end(), ' '),
            static_cast<long>(sqlite::kMaxSearchWords) - 1);
}

TEST_F(MessagesTest, AppendAssignsIncreasingIdsAndReadsBack) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  const auto a = post(lobby, alice, "first");
  const auto b = post(lobby, alice, "second");
  EXPECT_LT(a.id, b.id);
  EXPECT_EQ(b.room, lobby);
  EXPECT_EQ(b.sender, alice);
  EXPECT_EQ(b.sender_name, "alice");
  EXPECT_EQ(b.content_type, "text/plain");
  EXPECT_EQ(b.created_at, now_);
  // Deleting the newest message never lets its id come back.
  sqlite::Database raw(dir_ / "parley.db");
  ASSERT_EQ(raw.exec("DELETE FROM messages WHERE id = " + std::to_string(b.id.value())), SQLITE_OK);
  EXPECT_GT(post(lobby, alice, "third").id, b.id);
}

TEST_F(MessagesTest, AppendRefusesBadMessages) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  NewMessage m;
  m.sender = alice;
  m.body = "x";
  m.created_at = 1;
  EXPECT_EQ(store_->messages().append(m, {}).error().code, StoreErrorCode::Invalid);  // no target
  m.room = lobby;
  m.recipient = alice;
  EXPECT_EQ(store_->messages().append(m, {}).error().code, StoreErrorCode::Invalid);  // both
  m.recipient = UserId();
  m.body = "";
  EXPECT_EQ(store_->messages().append(m, {}).error().code, StoreErrorCode::Invalid);
  m.body = std::string(MessageRepository::kMaxBodyBytes + 1, 'x');
  EXPECT_EQ(store_->messages().append(m, {}).error().code, StoreErrorCode::Invalid);
  m.body = "x";
  m.room = RoomId(404);
  EXPECT_EQ(store_->messages().append(m, {}).error().code, StoreErrorCode::NotFound);
  m.room = lobby;
  EXPECT_EQ(store_->messages().append(m, {std::string(300, 'k')}).error().code,
            StoreErrorCode::Invalid);
  EXPECT_TRUE(store_->messages().room_history(lobby, MessageId(), 10)->messages.empty());
}

TEST_F(MessagesTest, OutsideSenderIsKeptByUri) {
  const UserId alice = user("alice");
  NewMessage m;
  m.recipient = alice;
  m.sender_uri = "sip:carol@elsewhere.example";
  m.body = "hi from outside";
  m.created_at = 7;
  auto stored = store_->messages().append(m, {});
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->sender.valid());
  EXPECT_EQ(stored->sender_uri, "sip:carol@elsewhere.example");
  EXPECT_EQ(stored->sender_name, "");
}

TEST_F(MessagesTest, RoomHistoryPagesBackInTime) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  const RoomId other = room("other", alice);
  std::vector<StoredMessage> sent;
  for (int i = 0; i < 7; ++i) {
    sent.push_back(post(lobby, alice, "m" + std::to_string(i)));
    post(other, alice, "noise");
  }
  auto p1 = store_->messages().room_history(lobby, MessageId(), 3);
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(bodies(p1->messages), (std::vector<std::string>{"m4", "m5", "m6"}));
  EXPECT_TRUE(p1->more);
  auto p2 = store_->messages().room_history(lobby, p1->messages.front().id, 3);
  EXPECT_EQ(bodies(p2->messages), (std::vector<std::string>{"m1", "m2", "m3"}));
  EXPECT_TRUE(p2->more);
  auto p3 = store_->messages().room_history(lobby, p2->messages.front().id, 3);
  EXPECT_EQ(bodies(p3->messages), (std::vector<std::string>{"m0"}));
  EXPECT_FALSE(p3->more);
  // Exactly a page left: no "more".
  auto exact = store_->messages().room_history(lobby, sent[3].id, 3);
  EXPECT_EQ(bodies(exact->messages), (std::vector<std::string>{"m0", "m1", "m2"}));
  EXPECT_FALSE(exact->more);
  EXPECT_TRUE(store_->messages().room_history(lobby, sent[0].id, 3)->messages.empty());
  EXPECT_TRUE(store_->messages().room_history(lobby, MessageId(), 0)->messages.empty());
  EXPECT_TRUE(store_->messages().room_history(lobby, MessageId(), 0)->more);
}

TEST_F(MessagesTest, PageSizeIsCapped) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  ASSERT_TRUE(store_
                  ->transaction([&]() -> StoreStatus {
                    for (std::size_t i = 0; i < MessageRepository::kMaxPage + 5; ++i)
                      post(lobby, alice, "x");
                    return Ok{};
                  })
                  .ok());
  auto p = store_->messages().room_history(lobby, MessageId(), 1000000);
  EXPECT_EQ(p->messages.size(), MessageRepository::kMaxPage);
  EXPECT_TRUE(p->more);
}

TEST_F(MessagesTest, PrivateHistoryHasBothDirectionsOnly) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  const UserId carol = user("carol");
  say(alice, bob, "hi bob");
  say(bob, alice, "hi alice");
  say(alice, carol, "hi carol");
  say(carol, bob, "psst");
  auto h = store_->messages().private_history(bob, alice, MessageId(), 10);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(bodies(h->messages), (std::vector<std::string>{"hi bob", "hi alice"}));
  EXPECT_FALSE(h->more);
  auto older = store_->messages().private_history(alice, bob, h->messages.back().id, 10);
  EXPECT_EQ(bodies(older->messages), (std::vector<std::string>{"hi bob"}));
}

TEST_F(MessagesTest, SearchFindsWordsPrefixesAndDiacritics) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  post(lobby, alice, "Let's meet at the café tomorrow");
  post(lobby, alice, "Straße und Ünïcode ☃ snowman");
  post(lobby, alice, "tomorrow never comes");
  auto s = [&](std::string_view q) {
    auto r = store_->messages().search(alice, q, RoomId(), 50);
    EXPECT_TRUE(r.ok()) << q << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? bodies(*r) : std::vector<std::string>{};
  };
  EXPECT_EQ(s("tomorrow"),
            (std::vector<std::string>{"tomorrow never comes", "Let's meet at the café tomorrow"}));
  EXPECT_EQ(s("cafe TOMORROW"), (std::vector<std::string>{"Let's meet at the café tomorrow"}));
  EXPECT_EQ(s("tomo*").size(), 2u);
  EXPECT_EQ(s("unicode").size(), 1u);
  EXPECT_EQ(s("straße").size(), 1u);
  EXPECT_TRUE(s("☃").empty());  // unicode61 indexes letters and digits, not symbols
  EXPECT_TRUE(s("tomorrow absent").empty());
}

TEST_F(MessagesTest, HostileSearchTextIsNeverSyntax) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  post(lobby, alice, "AND OR NOT NEAR are words here");
  for (std::string_view q : {"\"",       "\"\"",  "AND OR",
                             "OR",       "NOT",   "*",
                             "**",       "NEAR(", "NEAR(a b, 2)",
                             "body:x",   "^a",    "'; DROP TABLE messages; --",
                             "(((",      ")",     "a\"b\"c",
                             "-",        "+",     "{body}: x",
                             "\xff\xfe", "\xc3",  "%",
                             "_",        "\\",    "*near"}) {
    auto r = store_->messages().search(alice, q, RoomId(), 10);
    ASSERT_TRUE(r.ok()) << q << ": " << r.error().message;
  }
  auto r = store_->messages().search(alice, "AND OR", RoomId(), 10);
  ASSERT_EQ(r->size(), 1u);  // searched as plain words
  r = store_->messages().search(alice, "NEAR(", RoomId(), 10);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_TRUE(store_->messages().search(alice, "", RoomId(), 10)->empty());
  EXPECT_EQ(store_->messages().room_history(lobby, MessageId(), 10)->messages.size(), 1u);
}

TEST_F(MessagesTest, SearchOnlyReachesWhatTheReaderMayRead) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  const UserId carol = user("carol");
  const RoomId lobby = room("lobby", alice);
  const RoomId secret = room("secret", carol, RoomVisibility::Invite);
  ASSERT_TRUE(store_->rooms().add_member(lobby, bob, RoomRole::Member, 1).ok());
  post(lobby, alice, "apple in lobby");
  post(secret, carol, "apple in secret");
  say(alice, carol, "apple for carol");
  say(carol, bob, "apple for bob");
  auto for_bob = store_->messages().search(bob, "apple", RoomId(), 10);
  ASSERT_TRUE(for_bob.ok());
  EXPECT_EQ(bodies(*for_bob), (std::vector<std::string>{"apple for bob", "apple in lobby"}));
  auto in_lobby = store_->messages().search(carol, "apple", lobby, 10);
  EXPECT_TRUE(in_lobby->empty());  // carol is not in the lobby
  auto carol_secret = store_->messages().search(carol, "apple", secret, 10);
  EXPECT_EQ(bodies(*carol_secret), (std::vector<std::string>{"apple in secret"}));
  // Leaving a room closes its history to search.
  ASSERT_TRUE(store_->rooms().remove_member(lobby, bob).ok());
  EXPECT_EQ(bodies(*store_->messages().search(bob, "apple", RoomId(), 10)),
            (std::vector<std::string>{"apple for bob"}));
}

TEST_F(MessagesTest, HistoryIndexAndQueueSurviveReopen) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  const auto m = post(lobby, alice, "durable words", {"sip:1"});
  reopen();
  auto h = store_->messages().room_history(lobby, MessageId(), 10);
  ASSERT_EQ(h->messages.size(), 1u);
  EXPECT_EQ(h->messages[0].id, m.id);
  EXPECT_EQ(h->messages[0].created_at, m.created_at);
  EXPECT_EQ(store_->messages().search(alice, "durable", RoomId(), 10)->size(), 1u);
  EXPECT_EQ(store_->messages().pending("sip:1", 10)->size(), 1u);
}

// FTS5's own check of an external-content index against its table: an
// index entry for a row it never saw (or a missing one) is an error.
void expect_index_sound(const std::filesystem::path& db_file) {
  sqlite::Database db(db_file);
  EXPECT_EQ(db.exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)"),
            SQLITE_OK)
      << db.last_message();
}

TEST_F(MessagesTest, StoringDoesNotIndexBatchesDo) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  for (int i = 0; i < 5; ++i) post(lobby, alice, "batch word " + std::to_string(i));
  auto& messages = store_->messages();
  EXPECT_EQ(*messages.index_pending(2), 2u);
  EXPECT_EQ(*messages.index_pending(2), 2u);
  EXPECT_EQ(*messages.index_pending(2), 1u);
  EXPECT_EQ(*messages.index_pending(2), 0u);
  expect_index_sound(dir_ / "parley.db");
  post(lobby, alice, "batch word late");
  EXPECT_EQ(*messages.index_pending(100), 1u);
  EXPECT_EQ(messages.search(alice, "batch", RoomId(), 50)->size(), 6u);
}

TEST_F(MessagesTest, SearchSeesMessagesNoBatchIndexedYet) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  post(lobby, alice, "early bird");
  ASSERT_EQ(*store_->messages().index_pending(100), 1u);
  post(lobby, alice, "late bird");  // not indexed by anyone yet
  EXPECT_EQ(bodies(*store_->messages().search(alice, "bird", RoomId(), 10)),
            (std::vector<std::string>{"late bird", "early bird"}));
  EXPECT_EQ(*store_->messages().index_pending(100), 0u);  // the search indexed it
  expect_index_sound(dir_ / "parley.db");
}

TEST_F(MessagesTest, RemovingUnindexedMessagesKeepsTheIndexSound) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  const RoomId doomed = room("doomed", alice);
  post(doomed, alice, "indexed and removed");
  post(lobby, alice, "indexed and kept");
  ASSERT_EQ(*store_->messages().index_pending(100), 2u);
  post(doomed, alice, "never indexed and removed");
  post(lobby, alice, "kept later");
  // The room's messages go by cascade, one indexed and one not.
  ASSERT_TRUE(store_->rooms().remove(doomed).ok());
  EXPECT_EQ(*store_->messages().index_pending(100), 1u);
  expect_index_sound(dir_ / "parley.db");
  EXPECT_TRUE(store_->messages().search(alice, "removed", RoomId(), 10)->empty());
  EXPECT_EQ(store_->messages().search(alice, "kept", RoomId(), 10)->size(), 2u);
}

TEST_F(MessagesTest, SearchCatchesUpMoreThanOneBatch) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  std::vector<PendingAppend> batch;
  for (std::size_t i = 0; i < MessageRepository::kIndexBatch + 10; ++i) {
    NewMessage m;
    m.room = lobby;
    m.sender = alice;
    m.body = "needle " + std::to_string(i);
    m.created_at = ++now_;
    batch.push_back(PendingAppend{m, {}});
  }
  ASSERT_TRUE(store_->messages().append_many(batch).ok());
  auto found = store_->messages().search(alice, "needle", RoomId(), 5);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 5u);
  EXPECT_EQ(found->front().body, "needle " + std::to_string(MessageRepository::kIndexBatch + 9));
  EXPECT_EQ(*store_->messages().index_pending(100), 0u);
}

TEST_F(MessagesTest, OfflineQueueDeliversInOrderOnce) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  const RoomId lobby = room("lobby", alice);
  const auto m1 = post(lobby, alice, "one", {"acct:7", "web:bob"});
  const auto m2 = post(lobby, alice, "two", {"acct:7"});
  const auto m3 = say(alice, bob, "three");
  ASSERT_TRUE(store_->messages().enqueue(m3.id, {"acct:7", "acct:7"}).ok());  // duplicates ignored
  ASSERT_TRUE(store_->messages().enqueue(m1.id, {"acct:7"}).ok());            // already queued
  EXPECT_EQ(store_->messages().enqueue(MessageId(999), {"acct:7"}).error().code,
            StoreErrorCode::NotFound);

  auto p = store_->messages().pending("acct:7", 10);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(bodies(*p), (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ((*p)[0].created_at, m1.created_at);  // original time kept
  EXPECT_EQ(bodies(*store_->messages().pending("acct:7", 2)),
            (std::vector<std::string>{"one", "two"}));

  ASSERT_TRUE(store_->messages().mark_delivered("acct:7", {m1.id, m2.id}).ok());
  ASSERT_TRUE(store_->messages().mark_delivered("acct:7", {m1.id, m2.id}).ok());  // idempotent
  EXPECT_EQ(bodies(*store_->messages().pending("acct:7", 10)), (std::vector<std::string>{"three"}));
  EXPECT_EQ(bodies(*store_->messages().pending("web:bob", 10)), (std::vector<std::string>{"one"}));
  ASSERT_TRUE(store_->messages().drop_identity("web:bob").ok());
  EXPECT_TRUE(store_->messages().pending("web:bob", 10)->empty());
  EXPECT_TRUE(store_->messages().pending("nobody", 10)->empty());
}

TEST_F(MessagesTest, FailedAppendQueuesNothing) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  NewMessage m;
  m.room = lobby;
  m.sender = alice;
  m.body = "x";
  // The second identity is invalid, so the whole append rolls back.
  EXPECT_FALSE(store_->messages().append(m, {"ok", ""}).ok());
  EXPECT_TRUE(store_->messages().pending("ok", 10)->empty());
  EXPECT_TRUE(store_->messages().room_history(lobby, MessageId(), 10)->messages.empty());
}

TEST_F(MessagesTest, AppendManyCommitsTogetherAndFailsOneByOne) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  std::vector<PendingAppend> batch(3);
  for (int i = 0; i < 3; ++i) {
    batch[i].message.room = lobby;
    batch[i].message.sender = alice;
    batch[i].message.body = "b" + std::to_string(i);
    batch[i].message.created_at = 100 + i;
  }
  batch[1].message.room = RoomId(404);  // this one fails, the others stay
  batch[2].offline = {"acct:1"};
  auto r = store_->messages().append_many(batch);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_TRUE((*r)[0].ok());
  ASSERT_FALSE((*r)[1].ok());
  EXPECT_EQ((*r)[1].error().code, StoreErrorCode::NotFound);
  ASSERT_TRUE((*r)[2].ok());
  EXPECT_LT((*r)[0]->id, (*r)[2]->id);
  EXPECT_EQ(bodies(store_->messages().room_history(lobby, MessageId(), 10)->messages),
            (std::vector<std::string>{"b0", "b2"}));
  EXPECT_EQ(bodies(*store_->messages().pending("acct:1", 10)), (std::vector<std::string>{"b2"}));
  reopen();
  EXPECT_EQ(store_->messages().room_history(lobby, MessageId(), 10)->messages.size(), 2u);
}

TEST_F(MessagesTest, UnreadCountsFollowReadMarkers) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  const RoomId lobby = room("lobby", alice);
  const RoomId other = room("other", alice);
  post(lobby, alice, "before bob joined");
  ASSERT_TRUE(store_->rooms().add_member(lobby, bob, RoomRole::Member, 1).ok());
  post(lobby, alice, "one");
  const auto two = post(lobby, alice, "two");
  post(lobby, bob, "bob's own words never count");
  post(other, alice, "bob is not in this room");

  auto counts = store_->messages().unread_counts(bob);
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ((*counts)[0].room, lobby);
  EXPECT_EQ((*counts)[0].unread, 2u);

  ASSERT_TRUE(store_->messages().mark_read(bob, lobby, two.id).ok());
  EXPECT_EQ((*store_->messages().unread_counts(bob))[0].unread, 0u);
  EXPECT_EQ((*store_->messages().unread_counts(bob))[0].last_read, two.id);
  ASSERT_TRUE(store_->messages().mark_read(bob, lobby, MessageId(1)).ok());  // never backwards
  EXPECT_EQ((*store_->messages().unread_counts(bob))[0].last_read, two.id);
  post(lobby, alice, "three");
  EXPECT_EQ((*store_->messages().unread_counts(bob))[0].unread, 1u);
  EXPECT_EQ(store_->messages().mark_read(bob, other, two.id).error().code,
            StoreErrorCode::NotFound);

  // The owner (member since creation) has everything it did not write unread.
  auto owner = store_->messages().unread_counts(alice);
  ASSERT_EQ(owner->size(), 2u);
  EXPECT_EQ((*owner)[0].unread, 1u);  // bob's line
  EXPECT_EQ((*owner)[1].unread, 0u);
}

TEST_F(MessagesTest, UnreadCountStopsAtTheCap) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  const RoomId lobby = room("lobby", alice);
  ASSERT_TRUE(store_->rooms().add_member(lobby, bob, RoomRole::Member, 1).ok());
  std::vector<PendingAppend> batch(MessageRepository::kMaxUnreadCount + 10);
  for (auto& b : batch) {
    b.message.room = lobby;
    b.message.sender = alice;
    b.message.body = "x";
  }
  ASSERT_TRUE(store_->messages().append_many(batch).ok());
  EXPECT_EQ((*store_->messages().unread_counts(bob))[0].unread, MessageRepository::kMaxUnreadCount);
}

// A batch of `n` room messages, each queued for `offline`.
std::vector<PendingAppend> batch_of(RoomId room, UserId sender, std::size_t n,
                                    const std::vector<std::string>& offline) {
  std::vector<PendingAppend> batch(n);
  for (std::size_t i = 0; i < n; ++i) {
    batch[i].message.room = room;
    batch[i].message.sender = sender;
    batch[i].message.body = "m" + std::to_string(i);
    batch[i].message.created_at = static_cast<std::int64_t>(i);
    batch[i].offline = offline;
  }
  return batch;
}

std::vector<MessageId> ids_of(const std::vector<StoreResult<StoredMessage>>& results) {
  std::vector<MessageId> out;
  for (const auto& r : results) {
    EXPECT_TRUE(r.ok());
    if (r.ok()) out.push_back(r->id);
  }
  return out;
}

constexpr std::size_t kBound = MessageRepository::kMaxQueuedPerIdentity;

TEST_F(MessagesTest, OfflineQueueKeepsTheNewestUpToTheBound) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  auto batch = batch_of(lobby, alice, kBound + 5, {"acct:1"});
  batch[0].offline.push_back("acct:2");
  auto r = store_->messages().append_many(batch);
  ASSERT_TRUE(r.ok());
  const auto ids = ids_of(*r);
  ASSERT_EQ(ids.size(), kBound + 5);

  const auto queued = drain(store_->messages(), "acct:1");
  ASSERT_EQ(queued.size(), kBound);
  EXPECT_EQ(queued.front(), ids[5]);  // the five oldest were dropped
  EXPECT_EQ(queued.back(), ids.back());
  EXPECT_EQ(drain(store_->messages(), "acct:2"), (std::vector<MessageId>{ids[0]}));  // its own bound
  EXPECT_TRUE(store_->messages().find(ids[0]).ok());  // history keeps what the queue dropped

  // Delivered entries no longer count: the emptied queue takes new ones.
  const auto next = post(lobby, alice, "after", {"acct:1"});
  EXPECT_EQ(drain(store_->messages(), "acct:1"), (std::vector<MessageId>{next.id}));
}

TEST_F(MessagesTest, SingleAppendAndEnqueueAreBoundedToo) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  auto r = store_->messages().append_many(batch_of(lobby, alice, kBound, {}));
  ASSERT_TRUE(r.ok());
  const auto ids = ids_of(*r);
  // Queued newest first: every later enqueue is older than what is queued.
  for (std::size_t i = ids.size(); i-- > 1;) {
    ASSERT_TRUE(store_->messages().enqueue(ids[i], {"sip:x"}).ok());
  }
  ASSERT_TRUE(store_->messages().enqueue(ids[0], {"sip:x"}).ok());  // exactly full, kept
  const auto newest = post(lobby, alice, "newest", {"sip:x"});      // one too many
  const auto queued = drain(store_->messages(), "sip:x");
  ASSERT_EQ(queued.size(), kBound);
  EXPECT_EQ(queued.front(), ids[1]);
  EXPECT_EQ(queued.back(), newest.id);
}

TEST_F(MessagesTest, QueueBoundCountsRowsRemovedByCascade) {
  const UserId alice = user("alice");
  const RoomId doomed = room("doomed", alice);
  const RoomId lobby = room("lobby", alice);
  ASSERT_TRUE(store_->messages().append_many(batch_of(doomed, alice, kBound, {"web:1"})).ok());
  ASSERT_TRUE(store_->rooms().remove(doomed).ok());  // its queued messages go with it
  auto r = store_->messages().append_many(batch_of(lobby, alice, kBound, {"web:1"}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(drain(store_->messages(), "web:1"), ids_of(*r));  // none dropped: the queue was empty
}

TEST_F(MessagesTest, NewestPerRoomSkipsRoomsWithoutMessages) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  EXPECT_TRUE(store_->messages().newest_per_room()->empty());
  const RoomId quiet = room("quiet", alice);
  const RoomId lobby = room("lobby", alice);
  const RoomId kitchen = room("kitchen", alice);
  post(lobby, alice, "one");
  const auto k = post(kitchen, alice, "two");
  const auto l = post(lobby, alice, "three");
  say(alice, bob, "private messages belong to no room");
  using Pairs = std::vector<std::pair<RoomId, MessageId>>;
  EXPECT_EQ(*store_->messages().newest_per_room(), (Pairs{{lobby, l.id}, {kitchen, k.id}}));
  (void)quiet;
}

TEST_F(MessagesTest, QueuedIdentitiesListsOnlyNonEmptyQueues) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice);
  EXPECT_TRUE(store_->messages().queued_identities()->empty());
  const auto m = post(lobby, alice, "one");
  ASSERT_TRUE(store_->messages().enqueue(m.id, {"acct:2", "web:1"}).ok());
  EXPECT_EQ(*store_->messages().queued_identities(), (std::vector<std::string>{"acct:2", "web:1"}));
  ASSERT_TRUE(store_->messages().mark_delivered("acct:2", {m.id}).ok());
  EXPECT_EQ(*store_->messages().queued_identities(), (std::vector<std::string>{"web:1"}));
}

}  // namespace
}  // namespace parley::store::testing
