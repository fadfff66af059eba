#include "base/clock.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TimePoint at(nanoseconds since_epoch) { return TimePoint(since_epoch); }

TEST(Clock, DeadlinesOfOneSlotShareItsEnd) {
  const auto grid = milliseconds(10);
  // Anywhere inside (1000 ms, 1010 ms] fires at 1010 ms: never early.
  for (auto t : {nanoseconds(1'000'000'001), nanoseconds(1'004'999'999), nanoseconds(1'010'000'000)}) {
    EXPECT_EQ(round_up_to_grid(at(t), grid), at(milliseconds(1010))) << t.count();
  }
  EXPECT_EQ(round_up_to_grid(at(milliseconds(1000)), grid), at(milliseconds(1000)));
  EXPECT_EQ(round_up_to_grid(at(nanoseconds(1'010'000'001)), grid), at(milliseconds(1020)));
}

TEST(Clock, GridRoundingNeverMovesADeadlineEarlierOrBeyondOneSlot) {
  const auto grid = milliseconds(10);
  for (long long n = -25'000'000; n <= 25'000'000; n += 1'234'567) {
    const TimePoint t = at(nanoseconds(n));
    const TimePoint due = round_up_to_grid(t, grid);
    EXPECT_GE(due, t) << n;
    EXPECT_LT(due - t, grid) << n;
    EXPECT_EQ(due.time_since_epoch() % grid, SteadyClock::duration::zero()) << n;
  }
}

}  // namespace
}  // namespace parley
