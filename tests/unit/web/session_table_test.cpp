#include <gtest/gtest.h>

#include <set>

#include "web/session_table.hpp"
#include "web/web_crypto.hpp"

namespace parley::web {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint{} + 100h;

UserInfo alice() { return {"alice", "Alice", "sip:alice@localhost"}; }

TEST(SessionTable, CreatesRandomIdsAndKeysAndFindsThem) {
  SessionTable t({});
  std::set<std::string> ids;
  std::set<std::string> keys;
  for (int i = 0; i < 50; ++i) {
    WebSession* s = t.create(alice(), "10.0.0.1", "UA", kT0);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->public_id.size(), 22u);
    EXPECT_EQ(crypto::base64url_decode(s->public_id)->size(), 16u);
    ids.insert(s->public_id);
    keys.insert(std::string(s->key_bytes()));
    EXPECT_EQ(t.find_public(s->public_id), s);
    EXPECT_EQ(t.find(s->id), s);
  }
  EXPECT_EQ(ids.size(), 50u);
  EXPECT_EQ(keys.size(), 50u);
  EXPECT_EQ(t.of_user("alice").size(), 50u);
  EXPECT_EQ(t.find_public("AAAAAAAAAAAAAAAAAAAAAA"), nullptr);
}

TEST(SessionTable, EraseForgetsEveryIndex) {
  SessionTable t({});
  WebSession* a = t.create(alice(), "10.0.0.1", "UA", kT0);
  const std::string pub = a->public_id;
  const WebSessionId id = a->id;
  t.create(alice(), "10.0.0.1", "UA", kT0);
  t.erase(id);
  EXPECT_EQ(t.find(id), nullptr);
  EXPECT_EQ(t.find_public(pub), nullptr);
  EXPECT_EQ(t.of_user("alice").size(), 1u);
  EXPECT_EQ(t.size(), 1u);
}

TEST(SessionTable, FullAtMaxSessions) {
  SessionTable t({1800s, 43200s, 2});
  EXPECT_NE(t.create(alice(), "a", "u", kT0), nullptr);
  EXPECT_NE(t.create(alice(), "a", "u", kT0), nullptr);
  EXPECT_EQ(t.create(alice(), "a", "u", kT0), nullptr);
}

TEST(SessionTable, IdleCountsOnlyWithoutOpenSocketsMaxAgeAlways) {
  SessionTable t({60s, 600s, 10});
  WebSession* s = t.create(alice(), "a", "u", kT0);
  EXPECT_EQ(t.expiry(*s, kT0 + 60s), SessionTable::Expiry::kAlive);
  EXPECT_EQ(t.expiry(*s, kT0 + 61s), SessionTable::Expiry::kIdle);
  s->open_sockets = 1;
  EXPECT_EQ(t.expiry(*s, kT0 + 500s), SessionTable::Expiry::kAlive);
  EXPECT_EQ(t.expiry(*s, kT0 + 601s), SessionTable::Expiry::kTooOld);
  s->open_sockets = 0;
  s->last_activity = kT0 + 590s;
  EXPECT_EQ(t.expiry(*s, kT0 + 600s), SessionTable::Expiry::kAlive);
  EXPECT_EQ(t.expiry(*s, kT0 + 601s), SessionTable::Expiry::kTooOld);
}

TEST(NonceCache, ReplayRefusedWithinTtlForgottenAfter) {
  NonceCache c;
  EXPECT_EQ(c.insert("n1", kT0, 60s, 1000), NonceCache::Outcome::kAccepted);
  EXPECT_EQ(c.insert("n2", kT0 + 1s, 60s, 1000), NonceCache::Outcome::kAccepted);
  EXPECT_EQ(c.insert("n1", kT0 + 60s, 60s, 1000), NonceCache::Outcome::kReplayed);
  EXPECT_EQ(c.insert("n1", kT0 + 60001ms, 60s, 1000), NonceCache::Outcome::kAccepted);
  EXPECT_EQ(c.size(), 2u);
}

TEST(NonceCache, BoundedPerWindowAndEmptiedWhenIdle) {
  NonceCache c;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(c.insert("n" + std::to_string(i), kT0, 60s, 1000), NonceCache::Outcome::kAccepted);
  }
  EXPECT_EQ(c.insert("x", kT0 + 1s, 60s, 1000), NonceCache::Outcome::kFull);
  EXPECT_EQ(c.insert("n5", kT0 + 1s, 60s, 1000), NonceCache::Outcome::kReplayed);
  EXPECT_EQ(c.oldest(), kT0);
  c.prune(kT0 + 61s, 60s);
  EXPECT_EQ(c.size(), 0u);
  EXPECT_FALSE(c.oldest());
  EXPECT_EQ(c.insert("x", kT0 + 61s, 60s, 1000), NonceCache::Outcome::kAccepted);
}

TEST(SessionTable, IdleSessionIsSmall) {
  // DESIGN target: < 20 KiB per idle session for the whole server; this part
  // holds no preallocated containers.
  SessionTable t({});
  WebSession* s = t.create(alice(), "203.0.113.5", "Mozilla/5.0 (X11; Linux x86_64)", kT0);
  EXPECT_EQ(s->nonces.size(), 0u);
  EXPECT_EQ(s->sockets.capacity(), 0u);
  EXPECT_LT(sizeof(WebSession), 512u);
  EXPECT_TRUE(s->same_browser("Mozilla/5.0 (X11; Linux x86_64)"));
  EXPECT_FALSE(s->same_browser("Mozilla/5.0 (X11; Linux x86_64) "));
  EXPECT_FALSE(s->same_browser(""));
}

}  // namespace
}  // namespace parley::web
