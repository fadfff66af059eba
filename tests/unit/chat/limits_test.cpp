#include "chat/limits.hpp"

#include <gtest/gtest.h>

namespace parley::chat {
namespace {

using std::chrono::milliseconds;
const TimePoint t0 = TimePoint{} + std::chrono::hours(1);

TEST(Limits, MessageSize) {
  ChatLimits limits;
  limits.max_message_bytes = 10;
  EXPECT_TRUE(check_message_size("0123456789", limits).ok());
  auto big = check_message_size("01234567890", limits);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, RefusalCode::MessageTooLarge);
  EXPECT_NE(big.error().message.find("limit is 10"), std::string::npos);
  EXPECT_EQ(check_message_size("", limits).error().code, RefusalCode::EmptyMessage);
  EXPECT_EQ(check_message_size(" \r\n\t", limits).error().code, RefusalCode::EmptyMessage);
}

TEST(Limits, RoomCount) {
  ChatLimits limits;
  limits.max_rooms_per_user = 2;
  EXPECT_TRUE(check_room_count(1, limits).ok());
  auto r = check_room_count(2, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, RefusalCode::TooManyRooms);
  EXPECT_NE(r.error().message.find("limit is 2"), std::string::npos);
}

TEST(TokenBucket, BurstThenSteadyRate) {
  TokenBucket b(2.0, 3.0, t0);  // 2 per second, burst 3
  EXPECT_TRUE(b.try_take(t0));
  EXPECT_TRUE(b.try_take(t0));
  EXPECT_TRUE(b.try_take(t0));
  Millis wait{0};
  EXPECT_FALSE(b.try_take(t0, &wait));
  EXPECT_EQ(wait, milliseconds(500));
  EXPECT_FALSE(b.try_take(t0 + milliseconds(499)));
  EXPECT_TRUE(b.try_take(t0 + milliseconds(500)));
  EXPECT_FALSE(b.try_take(t0 + milliseconds(500)));
  EXPECT_FALSE(b.full(t0 + milliseconds(1999)));
  EXPECT_TRUE(b.full(t0 + milliseconds(2000)));
  // Refill stops at the capacity however long the pause.
  const TimePoint later = t0 + std::chrono::hours(5);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(b.try_take(later));
  EXPECT_FALSE(b.try_take(later));
}

TEST(TokenBucket, TimeGoingBackwardsGivesNothing) {
  TokenBucket b(1.0, 1.0, t0);
  EXPECT_TRUE(b.try_take(t0));
  EXPECT_FALSE(b.try_take(t0 - std::chrono::seconds(10)));
  EXPECT_FALSE(b.try_take(t0 + milliseconds(999)));
  EXPECT_TRUE(b.try_take(t0 + milliseconds(1000)));
}

TEST(RateLimiter, PerUserWithRetryAfter) {
  ChatLimits limits;
  limits.messages_per_second = 1;
  limits.burst = 2;
  RateLimiter rl(limits);
  const UserId alice(1), bob(2);
  EXPECT_TRUE(rl.try_post(alice, t0).ok());
  EXPECT_TRUE(rl.try_post(alice, t0).ok());
  auto r = rl.try_post(alice, t0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, RefusalCode::RateLimited);
  EXPECT_EQ(r.error().retry_after, milliseconds(1000));
  EXPECT_NE(r.error().message.find("1 second"), std::string::npos);
  EXPECT_TRUE(rl.try_post(bob, t0).ok());  // bob has his own bucket
  EXPECT_TRUE(rl.try_post(alice, t0 + milliseconds(1000)).ok());
}

TEST(RateLimiter, IdleUsersAreForgotten) {
  ChatLimits limits;
  limits.messages_per_second = 10;
  limits.burst = 1;
  RateLimiter rl(limits);
  for (std::uint64_t u = 1; u <= 1024; ++u) ASSERT_TRUE(rl.try_post(UserId(u), t0).ok());
  EXPECT_EQ(rl.tracked_users(), 1024u);
  // A second later every bucket is full again: the next new user prunes them.
  ASSERT_TRUE(rl.try_post(UserId(5000), t0 + std::chrono::seconds(1)).ok());
  EXPECT_EQ(rl.tracked_users(), 1u);
}

}  // namespace
}  // namespace parley::chat
