#include "base/log_budget.hpp"

#include <gtest/gtest.h>

namespace parley::log {
namespace {

TEST(LogBudget, LogsUpToTheBudgetThenCountsAndReportsTheCountNextSecond) {
  LogBudget budget(3);
  TimePoint t0 = TimePoint{} + std::chrono::hours(1);
  std::uint64_t suppressed = 99;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(budget.allow(t0, suppressed));
    EXPECT_EQ(suppressed, 0u);
  }
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(budget.allow(t0 + std::chrono::milliseconds(900), suppressed));
  EXPECT_TRUE(budget.allow(t0 + std::chrono::seconds(1), suppressed));
  EXPECT_EQ(suppressed, 5u) << "the first line of the next second carries the dropped count";
  EXPECT_TRUE(budget.allow(t0 + std::chrono::seconds(1), suppressed));
  EXPECT_EQ(suppressed, 0u);
}

}  // namespace
}  // namespace parley::log
