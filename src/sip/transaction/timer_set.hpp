// The deadlines of every transaction timer, ordered by time, so the I/O layer
// arms a single Asio timer at next_deadline() (DESIGN.md convention 1).
// Entries name a transaction by id: a timer that outlives its transaction is a
// failed lookup. Owned by TransactionLayer. Thread: core.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>

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

// The running timers of one transaction, by name, so they can be stopped. No
// state machine runs more than three at once (e.g. A, B and Trying), so a few
// slots tagged with their name keep every transaction entry small.
struct TimerSlots {
  static constexpr std::size_t kCapacity = 4;
  struct Slot {
    TimerName name = TimerName::Count;
    std::optional<TimerSet::Handle> handle;
  };
  std::array<Slot, kCapacity> slots;

  // The slot of timer `n`, given a free one if it has none (empty if not running).
  std::optional<TimerSet::Handle>& operator[](TimerName n) {
    Slot* free = nullptr;
    for (auto& s : slots) {
      if (s.name == n) return s.handle;
      if (!s.handle && free == nullptr) free = &s;
    }
    if (free == nullptr) throw std::logic_error("TimerSlots: more timers than slots");
    free->name = n;
    return free->handle;
  }
  void cancel_all(TimerSet& set) {
    for (auto& s : slots) {
      if (s.handle) set.cancel(*s.handle);
      s.handle.reset();
    }
  }
};

}  // namespace parley::sip
