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

NonceCountVerdict NonceCountTable::judge(const NonceCheck& nonce, std::uint32_t nc) const {
  auto it = entries_.find(nonce.key);
  if (it == entries_.end()) {
    // Unknown nonce: either never used, or used and then evicted. Only the
    // second can hide a replay, and only for nonces issued before the newest
    // evicted one.
    if (nonce.issued_ms <= forgotten_up_to_ms_) return NonceCountVerdict::Forgotten;
    return nc >= 1 ? NonceCountVerdict::Fresh : NonceCountVerdict::Replay;
  }
  return nc > it->second.highest_nc ? NonceCountVerdict::Fresh : NonceCountVerdict::Replay;
}

void NonceCountTable::record(const NonceCheck& nonce, std::uint32_t nc) {
  auto it = entries_.find(nonce.key);
  if (it != entries_.end()) {
    it->second.highest_nc = std::max(it->second.highest_nc, nc);
    return;
  }
  if (entries_.size() >= capacity_) evict_one();
  entries_.emplace(nonce.key, Entry{nc, nonce.issued_ms});
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
