#include "sip/auth/nonce_count_table.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <new>

namespace parley::sip::auth {

void NonceCountTable::FreeSlots::operator()(Slot* p) const { std::free(p); }

NonceCountTable::NonceCountTable(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)),
      slot_count_(capacity_ + capacity_ / 2 + 1),
      forgotten_up_to_ms_(std::numeric_limits<std::int64_t>::min()) {
  // calloc: zeroed (every slot empty) without writing the pages now.
  slots_.reset(static_cast<Slot*>(std::calloc(slot_count_, sizeof(Slot))));
  if (!slots_) throw std::bad_alloc();
  order_.reserve(capacity_);
}

std::size_t NonceCountTable::home(const NonceKey& k) const {
  // Nonce keys are MAC output, already uniform; mixing the halves is enough.
  // Multiply-shift maps the hash onto [0, slot_count_) without a division.
  const std::uint64_t h = k.hi ^ (k.lo * 0x9e3779b97f4a7c15ull);
  return static_cast<std::size_t>((static_cast<unsigned __int128>(h) * slot_count_) >> 64);
}

std::size_t NonceCountTable::find(const NonceKey& k) const {
  // The table is never more than two-thirds full, so an empty slot ends
  // every probe.
  for (std::size_t i = home(k);; i = i + 1 == slot_count_ ? 0 : i + 1) {
    const Slot& s = slots_[i];
    if (s.used == 0) return kNone;
    if (s.key == k) return i;
  }
}

void NonceCountTable::erase(std::size_t slot) {
  // Backward-shift deletion: later members of the probe run move up into
  // the hole when their home lies at or before it, so no tombstones build up.
  std::size_t hole = slot;
  for (std::size_t j = hole + 1 == slot_count_ ? 0 : hole + 1; slots_[j].used != 0;
       j = j + 1 == slot_count_ ? 0 : j + 1) {
    const std::size_t h = home(slots_[j].key);
    // Is h cyclically outside (hole, j]? Then the entry may fill the hole.
    const bool movable = hole <= j ? (h <= hole || h > j) : (h <= hole && h > j);
    if (movable) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole].used = 0;
  --size_;
}

NonceCountVerdict NonceCountTable::judge(const NonceCheck& nonce, std::uint32_t nc,
                                         std::uint64_t request, std::int64_t now_ms) const {
  const std::size_t i = find(nonce.key);
  if (i == kNone) {
    // Unknown nonce: either never used, or used and then evicted. Only the
    // second can hide a replay, and only for nonces issued before the newest
    // evicted one.
    if (nonce.issued_ms <= forgotten_up_to_ms_) return NonceCountVerdict::Forgotten;
    return nc >= 1 ? NonceCountVerdict::Fresh : NonceCountVerdict::Replay;
  }
  const Slot& e = slots_[i];
  if (nc > e.highest_nc) return NonceCountVerdict::Fresh;
  if (nc == e.highest_nc && request != 0 && request == e.request &&
      now_ms - e.accepted_ms <= kRetransmissionWindowMs) {
    return NonceCountVerdict::Retransmission;
  }
  return NonceCountVerdict::Replay;
}

void NonceCountTable::record(const NonceCheck& nonce, std::uint32_t nc, std::uint64_t request,
                             std::int64_t now_ms) {
  if (const std::size_t i = find(nonce.key); i != kNone) {
    Slot& e = slots_[i];
    if (nc > e.highest_nc) {
      e.highest_nc = nc;
      e.request = request;
      e.accepted_ms = now_ms;
    }
    return;
  }
  if (size_ >= capacity_) evict_one();
  std::size_t i = home(nonce.key);
  while (slots_[i].used != 0) i = i + 1 == slot_count_ ? 0 : i + 1;
  slots_[i] = Slot{nonce.key, nc, 1, nonce.issued_ms, request, now_ms};
  ++size_;
  if (order_.size() < capacity_) {
    order_.push_back(nonce.key);
  } else {
    order_[next_] = nonce.key;
  }
  next_ = (next_ + 1) % capacity_;
}

void NonceCountTable::evict_one() {
  // When full, the ring slot about to be written holds the oldest key.
  const std::size_t i = find(order_[next_]);
  if (i == kNone) return;
  forgotten_up_to_ms_ = std::max(forgotten_up_to_ms_, slots_[i].issued_ms);
  erase(i);
}

}  // namespace parley::sip::auth
