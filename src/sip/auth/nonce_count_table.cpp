#include "sip/auth/nonce_count_table.hpp"

#include <algorithm>
#include <limits>

namespace parley::sip::auth {

NonceCountTable::NonceCountTable(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)),
      forgotten_up_to_ms_(std::numeric_limits<std::int64_t>::min()) {
  entries_.reserve(capacity_);
  order_.reserve(capacity_);
}

NonceCountVerdict NonceCountTable::judge(const NonceCheck& nonce, std::uint32_t nc,
                                         std::uint64_t request, std::int64_t now_ms) const {
  auto it = entries_.find(nonce.key);
  if (it == entries_.end()) {
    // Unknown nonce: either never used, or used and then evicted. Only the
    // second can hide a replay, and only for nonces issued before the newest
    // evicted one.
    if (nonce.issued_ms <= forgotten_up_to_ms_) return NonceCountVerdict::Forgotten;
    return nc >= 1 ? NonceCountVerdict::Fresh : NonceCountVerdict::Replay;
  }
  const Entry& e = it->second;
  if (nc > e.highest_nc) return NonceCountVerdict::Fresh;
  if (nc == e.highest_nc && request != 0 && request == e.request &&
      now_ms - e.accepted_ms <= kRetransmissionWindowMs) {
    return NonceCountVerdict::Retransmission;
  }
  return NonceCountVerdict::Replay;
}

void NonceCountTable::record(const NonceCheck& nonce, std::uint32_t nc, std::uint64_t request,
                             std::int64_t now_ms) {
  auto it = entries_.find(nonce.key);
  if (it != entries_.end()) {
    Entry& e = it->second;
    if (nc > e.highest_nc) e = Entry{nc, e.issued_ms, request, now_ms};
    return;
  }
  if (entries_.size() >= capacity_) evict_one();
  entries_.emplace(nonce.key, Entry{nc, nonce.issued_ms, request, now_ms});
  if (order_.size() < capacity_) {
    order_.push_back(nonce.key);
  } else {
    order_[next_] = nonce.key;
  }
  next_ = (next_ + 1) % capacity_;
}

void NonceCountTable::evict_one() {
  // When full, the ring slot about to be written holds the oldest key.
  auto it = entries_.find(order_[next_]);
  if (it == entries_.end()) return;
  forgotten_up_to_ms_ = std::max(forgotten_up_to_ms_, it->second.issued_ms);
  entries_.erase(it);
}

}  // namespace parley::sip::auth
