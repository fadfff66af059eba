#include "sip/auth/nonce_count_table.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace parley::sip::auth {
namespace {

NonceCheck nonce(std::uint64_t id, std::int64_t issued_ms) {
  NonceCheck n;
  n.status = NonceStatus::Valid;
  n.key = NonceKey{id, id * 7};
  n.issued_ms = issued_ms;
  return n;
}

TEST(NonceCountTable, TracksHighestCount) {
  NonceCountTable t(4);
  auto a = nonce(1, 100);
  EXPECT_EQ(t.judge(a, 1), NonceCountVerdict::Fresh);
  EXPECT_EQ(t.judge(a, 0), NonceCountVerdict::Replay);
  t.record(a, 2);
  EXPECT_EQ(t.judge(a, 2), NonceCountVerdict::Replay);
  EXPECT_EQ(t.judge(a, 1), NonceCountVerdict::Replay);
  EXPECT_EQ(t.judge(a, 3), NonceCountVerdict::Fresh);
  EXPECT_EQ(t.size(), 1u);
}

TEST(NonceCountTable, EvictsOldestAndForgetsOlderNonces) {
  NonceCountTable t(3);
  for (std::uint64_t i = 1; i <= 3; ++i) t.record(nonce(i, static_cast<std::int64_t>(i * 10)), 1);
  t.record(nonce(4, 40), 1);  // evicts nonce 1 (issued at 10)
  EXPECT_EQ(t.size(), 3u);
  // Nonce 1 could be replayed now that it is gone: refuse it as forgotten.
  EXPECT_EQ(t.judge(nonce(1, 10), 2), NonceCountVerdict::Forgotten);
  EXPECT_EQ(t.judge(nonce(9, 5), 1), NonceCountVerdict::Forgotten);
  // Newer unseen nonces are fine; tracked ones still behave.
  EXPECT_EQ(t.judge(nonce(10, 11), 1), NonceCountVerdict::Fresh);
  EXPECT_EQ(t.judge(nonce(2, 20), 1), NonceCountVerdict::Replay);
  EXPECT_EQ(t.judge(nonce(2, 20), 2), NonceCountVerdict::Fresh);
  for (std::uint64_t i = 5; i < 100; ++i) t.record(nonce(i, static_cast<std::int64_t>(i * 10)), 1);
  EXPECT_EQ(t.size(), 3u);
}

TEST(NonceCountTable, SameRequestWithinTheWindowIsARetransmission) {
  NonceCountTable t(4);
  auto a = nonce(1, 100);
  constexpr std::uint64_t kRequest = 0xfeed;
  t.record(a, 1, kRequest, 1000);
  EXPECT_EQ(t.judge(a, 1, kRequest, 1000), NonceCountVerdict::Retransmission);
  EXPECT_EQ(t.judge(a, 1, kRequest, 1000 + NonceCountTable::kRetransmissionWindowMs),
            NonceCountVerdict::Retransmission);
  // Later than a transaction would have lived, it is a replay again.
  EXPECT_EQ(t.judge(a, 1, kRequest, 1001 + NonceCountTable::kRetransmissionWindowMs),
            NonceCountVerdict::Replay);
  // Another request with the same count, or a request without a fingerprint.
  EXPECT_EQ(t.judge(a, 1, 0xbeef, 1000), NonceCountVerdict::Replay);
  EXPECT_EQ(t.judge(a, 1, 0, 1000), NonceCountVerdict::Replay);
  // A lower count is never the retransmission of the request that raised it.
  t.record(a, 2, 0xbeef, 2000);
  EXPECT_EQ(t.judge(a, 1, kRequest, 2000), NonceCountVerdict::Replay);
  EXPECT_EQ(t.judge(a, 2, 0xbeef, 2000), NonceCountVerdict::Retransmission);
}

// Many more nonces than slots, keys colliding all the time: whatever
// collisions and deletions did to the probe runs, every nonce still in the
// table (the last `capacity` recorded) is found with its count, and every
// evicted one is reported forgotten, never fresh.
TEST(NonceCountTable, FindsEveryLiveNonceThroughCollisionsAndEvictions) {
  constexpr std::size_t kCapacity = 50;
  NonceCountTable t(kCapacity);
  std::vector<NonceCheck> recorded;
  std::uint64_t x = 0x2545f4914f6cdd1dull;
  for (int i = 0; i < 5000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    NonceCheck n = nonce(0, i);
    n.key = NonceKey{x, x >> 3};
    t.record(n, 1 + static_cast<std::uint32_t>(i % 3));
    recorded.push_back(n);
    ASSERT_EQ(t.size(), std::min<std::size_t>(recorded.size(), kCapacity));
    if (i % 97 != 0) continue;
    for (std::size_t k = 0; k < recorded.size(); ++k) {
      const auto nc = 1 + static_cast<std::uint32_t>(k % 3);
      const bool live = k + kCapacity >= recorded.size();
      ASSERT_EQ(t.judge(recorded[k], nc),
                live ? NonceCountVerdict::Replay : NonceCountVerdict::Forgotten)
          << "nonce " << k << " after " << i;
      if (live) {
        ASSERT_EQ(t.judge(recorded[k], nc + 1), NonceCountVerdict::Fresh);
      }
    }
  }
}

}  // namespace
}  // namespace parley::sip::auth
