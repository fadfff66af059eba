// A budget of log lines per second for events an attacker can trigger at will
// (refused requests, failed logins): DESIGN.md convention 10 wants anomalies
// counted, not one log line each. Within the budget every event is logged;
// beyond it they are only counted, and the count is reported with the first
// line of the next second. Owned by the component that logs. Thread: its owner's.
#pragma once

#include <cstdint>

#include "base/clock.hpp"

namespace parley::log {

class LogBudget {
 public:
  explicit LogBudget(std::uint32_t lines_per_second = 20) : per_second_(lines_per_second) {}

  // True when this event may be logged now. `suppressed` then holds how many
  // were dropped since the last logged one (report it, it is reset).
  bool allow(TimePoint now, std::uint64_t& suppressed) {
    if (now - window_start_ >= std::chrono::seconds(1)) {
      window_start_ = now;
      used_ = 0;
    }
    suppressed = 0;
    if (used_ >= per_second_) {
      ++dropped_;
      return false;
    }
    ++used_;
    suppressed = dropped_;
    dropped_ = 0;
    return true;
  }

 private:
  std::uint32_t per_second_;
  std::uint32_t used_ = 0;
  std::uint64_t dropped_ = 0;
  TimePoint window_start_{};
};

}  // namespace parley::log
