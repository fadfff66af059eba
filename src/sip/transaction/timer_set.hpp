// The deadlines of every transaction timer, ordered by time, so the I/O layer
// arms a single Asio timer at next_deadline() (DESIGN.md convention 1).
// Entries name a transaction by id: a timer that outlives its transaction is a
// failed lookup. Owned by TransactionLayer. Thread: core.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>

#include "base/clock.hpp"
#include "sip/transaction/transaction_action.hpp"

namespace parley::sip {

// RFC 3261 §17 Table 4 timers, RFC 6026 L and M, and the 100 Trying delay.
enum class TimerName : std::uint8_t { A, B, D, E, F, G, H, I, J, K, L, M, Trying, Count };

class TimerSet {
 public:
  struct Entry {
    TransactionId txn;
    TimerName name;
  };
  using Handle = std::multimap<TimePoint, Entry>::iterator;

  Handle add(TimePoint when, TransactionId txn, TimerName name) {
    return items_.emplace(when, Entry{txn, name});
  }
  void cancel(Handle h) { items_.erase(h); }
  std::optional<TimePoint> next_deadline() const;
  // Removes and returns the earliest entry due at `now`, if any.
  std::optional<Entry> pop_due(TimePoint now);
  std::size_t size() const { return items_.size(); }

 private:
  std::multimap<TimePoint, Entry> items_;
};

// The running timers of one transaction, by name, so they can be stopped.
struct TimerSlots {
  std::array<std::optional<TimerSet::Handle>, static_cast<std::size_t>(TimerName::Count)> slots;

  std::optional<TimerSet::Handle>& operator[](TimerName n) {
    return slots[static_cast<std::size_t>(n)];
  }
  void cancel_all(TimerSet& set) {
    for (auto& s : slots) {
      if (s) set.cancel(*s);
      s.reset();
    }
  }
};

}  // namespace parley::sip
