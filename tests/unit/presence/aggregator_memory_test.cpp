// Heap footprint of presence aggregation per registered user, part of the
// benchmark's memory per contact (bench/RESULTS.md): every registered user
// has one online identity, as after SIPp's register.xml. glibc's mallinfo2
// counts the bytes in use before and after (a sanitizer's allocator keeps no
// such statistics: the test is skipped there, not passed).
#include <gtest/gtest.h>
#include <malloc.h>

#include <memory>
#include <string>

#include "presence/aggregator.hpp"

namespace parley::presence {
namespace {

std::size_t heap_in_use() { return mallinfo2().uordblks; }

TEST(AggregatorMemory, BytesPerOnlineUserFor100kUsers) {
  constexpr int kUsers = 100000;
  auto aggregator = std::make_unique<Aggregator>();
  const std::size_t before = heap_in_use();
  for (int i = 1; i <= kUsers; ++i) {
    const std::string user = "user" + std::to_string(i);
    // The gateway's identity of a binding: "sip:" AOR "|" contact key.
    const std::string identity = "sip:" + user + "@127.0.0.1|sip:" + user + "@127.0.0.1:5081";
    ASSERT_TRUE(aggregator->set_identity_online(user, identity, true).has_value());
  }
  const std::size_t after = heap_in_use();
  if (after <= before) GTEST_SKIP() << "no allocator statistics (sanitizer build?)";
  ASSERT_EQ(aggregator->user_count(), static_cast<std::size_t>(kUsers));
  const double per_user = static_cast<double>(after - before) / kUsers;
  std::printf("aggregator heap per online user: %.0f B\n", per_user);
  EXPECT_LT(per_user, 200.0);
  aggregator.reset();
  EXPECT_LT(heap_in_use(), before + 64 * 1024);
}

}  // namespace
}  // namespace parley::presence
