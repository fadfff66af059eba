#include "presence/aggregator.hpp"

#include <gtest/gtest.h>

namespace parley::presence {
namespace {

PresenceState st(Status s, std::string note = "") { return {s, std::move(note)}; }

TEST(AggregatorTest, OfflineUntilAnIdentityIsOnline) {
  Aggregator a;
  EXPECT_EQ(a.state_of("alice"), st(Status::Offline));
  auto c = a.set_identity_online("alice", "web:1", true);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Available));
  EXPECT_FALSE(a.set_identity_online("alice", "sip:phone", true));  // still available
  EXPECT_FALSE(a.set_identity_online("alice", "web:1", false));
  c = a.set_identity_online("alice", "sip:phone", false);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Offline));
  EXPECT_EQ(a.user_count(), 0u);  // nothing left to remember
}

TEST(AggregatorTest, ReportsOnlyChanges) {
  Aggregator a;
  a.set_identity_online("alice", "web:1", true);
  EXPECT_FALSE(a.set_identity_online("alice", "web:1", true));
  EXPECT_TRUE(a.set_manual("alice", ManualStatus::Away, "lunch"));
  EXPECT_FALSE(a.set_manual("alice", ManualStatus::Away, "lunch"));
  auto c = a.set_manual("alice", ManualStatus::Away, "coffee");
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Away, "coffee"));
}

TEST(AggregatorTest, ManualStatusIsKeptWhileOfflineButNotShown) {
  Aggregator a;
  EXPECT_FALSE(a.set_manual("alice", ManualStatus::Busy, "writing"));  // offline stays offline
  EXPECT_EQ(a.state_of("alice"), st(Status::Offline));
  EXPECT_EQ(a.manual_of("alice"), ManualStatus::Busy);
  auto c = a.set_identity_online("alice", "web:1", true);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Busy, "writing"));
}

TEST(AggregatorTest, InCallIsOnThePhoneAndBackAfterwards) {
  Aggregator a;
  a.set_identity_online("alice", "sip:desk", true);
  a.set_manual("alice", ManualStatus::Away, "lunch");
  auto c = a.set_in_call("alice", "call-1", true);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::OnThePhone));
  EXPECT_FALSE(a.set_in_call("alice", "call-2", true));
  EXPECT_FALSE(a.set_in_call("alice", "call-1", false));  // call-2 still up
  EXPECT_TRUE(a.in_call("alice"));
  c = a.set_in_call("alice", "call-2", false);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Away, "lunch"));
}

TEST(AggregatorTest, ManualDndBeatsCallsAndDevices) {
  Aggregator a;
  a.set_identity_online("alice", "sip:desk", true);
  a.set_in_call("alice", "call-1", true);
  a.set_published("alice", "etag-1", st(Status::Busy, "phone says busy"));
  auto c = a.set_manual("alice", ManualStatus::Dnd, "focus");
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Dnd, "focus"));
  EXPECT_FALSE(a.set_in_call("alice", "call-1", false));
  c = a.set_manual("alice", ManualStatus::Available, "");
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Busy, "phone says busy"));
}

TEST(AggregatorTest, StrongestDeviceStateWinsTiesGoToManualThenNewest) {
  Aggregator a;
  a.set_identity_online("alice", "web:1", true);
  auto c = a.set_published("alice", "e1", st(Status::Away, "phone 1"));
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Away, "phone 1"));
  c = a.set_published("alice", "e2", st(Status::Busy, "phone 2"));
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Busy, "phone 2"));
  EXPECT_FALSE(a.set_published("alice", "e1", st(Status::Away, "phone 1 again")));
  c = a.set_published("alice", "e3", st(Status::Busy, "phone 3"));  // same strength, newer
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Busy, "phone 3"));
  c = a.set_manual("alice", ManualStatus::Busy, "mine");  // tie: manual wins
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Busy, "mine"));
  a.set_manual("alice", ManualStatus::Available, "");
  a.remove_published("alice", "e2");
  c = a.remove_published("alice", "e3");
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Away, "phone 1 again"));
  c = a.remove_published("alice", "e1");
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Available));
}

TEST(AggregatorTest, PublishedDndAndOnThePhoneCount) {
  Aggregator a;
  a.set_identity_online("alice", "web:1", true);
  auto c = a.set_published("alice", "e1", st(Status::OnThePhone));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, Status::OnThePhone);
  c = a.set_published("alice", "e2", st(Status::Dnd));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, Status::Dnd);
}

TEST(AggregatorTest, OpenPublicationAloneIsPresentClosedIsNot) {
  Aggregator a;
  EXPECT_FALSE(a.set_published("bob", "e1", st(Status::Offline)));
  auto c = a.set_published("bob", "e2", st(Status::Away, "out"));
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Away, "out"));
  c = a.remove_published("bob", "e2");
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, st(Status::Offline));
  a.remove_published("bob", "e1");
  EXPECT_EQ(a.user_count(), 0u);
}

TEST(AggregatorTest, UsersAreIndependent) {
  Aggregator a;
  a.set_identity_online("alice", "web:1", true);
  a.set_identity_online("bob", "web:2", true);
  a.set_manual("alice", ManualStatus::Dnd, "");
  EXPECT_EQ(a.state_of("bob"), st(Status::Available));
  EXPECT_EQ(a.state_of("alice"), st(Status::Dnd));
}

TEST(AggregatorTest, LongNotesAreClampedOnACharacterBoundary) {
  Aggregator a;
  a.set_identity_online("alice", "web:1", true);
  std::string note = "a";
  for (int i = 0; i < 200; ++i) note += "é";  // 2 bytes each: 401 bytes
  auto c = a.set_manual("alice", ManualStatus::Away, note);
  ASSERT_TRUE(c);
  EXPECT_LE(c->note.size(), kMaxNoteBytes);
  EXPECT_EQ(c->note.size() % 2, 1u);  // "a" + whole "é"s
}

}  // namespace
}  // namespace parley::presence
