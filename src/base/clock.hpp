// Time as protocol cores see it: they are handed `now` and never read a clock
// themselves (DESIGN.md convention 1), so tests drive them with a fake time.
#pragma once

#include <chrono>

namespace parley {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using Millis = std::chrono::milliseconds;
using Seconds = std::chrono::seconds;

// Wall-clock seconds since the epoch, for stored times (registrations, logs).
inline std::int64_t unix_now() {
  return std::chrono::duration_cast<Seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The first multiple of `grid` (counted from the clock's epoch) at or after
// `t`. Deadlines that fall in one slot then share one wake-up.
inline TimePoint round_up_to_grid(TimePoint t, SteadyClock::duration grid) {
  const auto g = grid.count();
  const auto n = t.time_since_epoch().count();
  const auto r = n % g;
  if (r == 0) return t;
  return TimePoint(SteadyClock::duration(r > 0 ? n - r + g : n - r));
}

}  // namespace parley
