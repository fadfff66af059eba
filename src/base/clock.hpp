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

}  // namespace parley
