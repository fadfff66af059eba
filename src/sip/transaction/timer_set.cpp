#include "sip/transaction/timer_set.hpp"

namespace parley::sip {

std::optional<TimePoint> TimerSet::next_deadline() const {
  if (items_.empty()) return std::nullopt;
  return items_.begin()->first;
}

std::optional<TimerSet::Entry> TimerSet::pop_due(TimePoint now) {
  if (items_.empty() || items_.begin()->first > now) return std::nullopt;
  Entry e = items_.begin()->second;
  items_.erase(items_.begin());
  return e;
}

}  // namespace parley::sip
