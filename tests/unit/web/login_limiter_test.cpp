#include <gtest/gtest.h>

#include "web/login_limiter.hpp"

namespace parley::web {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint{} + 100h;

TEST(LoginLimiter, PerAccountFivePerMinute) {
  LoginLimiter l({});
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(l.try_acquire("10.0.0." + std::to_string(i), "alice", kT0), 0s) << i;
  }
  const auto wait = l.try_acquire("10.0.0.99", "alice", kT0);
  EXPECT_GT(wait, 0s);
  EXPECT_LE(wait, 60s);
  // Other accounts from other addresses are not affected.
  EXPECT_EQ(l.try_acquire("10.0.0.98", "bob", kT0), 0s);
}

TEST(LoginLimiter, PerAddressTenPerMinute) {
  LoginLimiter l({});
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(l.try_acquire("10.0.0.1", "user" + std::to_string(i), kT0), 0s) << i;
  }
  EXPECT_GT(l.try_acquire("10.0.0.1", "fresh", kT0), 0s);
  EXPECT_EQ(l.try_acquire("10.0.0.2", "fresh", kT0), 0s);
}

TEST(LoginLimiter, RetryAfterIsEnoughAndLimitLiftsAfterAMinute) {
  LoginLimiter l({});
  for (int i = 0; i < 5; ++i) ASSERT_EQ(l.try_acquire("a", "alice", kT0), 0s);
  const auto wait = l.try_acquire("a", "alice", kT0);
  ASSERT_GT(wait, 0s);
  EXPECT_GT(l.try_acquire("a", "alice", kT0 + wait - 1s), 0s);
  EXPECT_EQ(l.try_acquire("a", "alice", kT0 + wait), 0s);
  // A full minute later the whole allowance is back.
  const TimePoint later = kT0 + wait + 60s;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(l.try_acquire("a", "alice", later), 0s) << i;
  EXPECT_GT(l.try_acquire("a", "alice", later), 0s);
}

TEST(LoginLimiter, RefundMakesSuccessesFree) {
  LoginLimiter l({});
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(l.try_acquire("a", "alice", kT0), 0s) << i;
    l.refund("a", "alice", kT0);
  }
  EXPECT_EQ(l.tracked_keys(), 0u);
}

TEST(LoginLimiter, TrackedKeysCappedFailClosedThenSwept) {
  LoginLimiter l({10, 5, 60s, 4});
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(l.try_acquire("ip" + std::to_string(i), "u" + std::to_string(i), kT0), 0s);
  }
  EXPECT_EQ(l.tracked_keys(), 8u);
  // No room for a new key while every tracked bucket still matters.
  EXPECT_GT(l.try_acquire("new-ip", "new-user", kT0), 0s);
  EXPECT_LE(l.tracked_keys(), 8u);
  // Once the buckets are full again they are forgotten and room is made.
  EXPECT_EQ(l.try_acquire("new-ip", "new-user", kT0 + 61s), 0s);
  EXPECT_EQ(l.tracked_keys(), 2u);
}

}  // namespace
}  // namespace parley::web
