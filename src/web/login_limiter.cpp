#include "web/login_limiter.hpp"

#include <algorithm>

namespace parley::web {

namespace {
std::chrono::nanoseconds interval_of(std::chrono::seconds window, std::size_t count) {
  return std::chrono::nanoseconds(window) / static_cast<std::int64_t>(std::max<std::size_t>(count, 1));
}
}  // namespace

LoginLimiter::LoginLimiter(Config config) : config_(config) {}

std::chrono::nanoseconds LoginLimiter::wait_for(const Bucket& b, std::string_view key,
                                                TimePoint now) const {
  const auto it = b.table->find(std::string(key));
  if (it == b.table->end()) {
    // An untracked key is allowed, unless there is no room to track it: then
    // fail closed (a flood of fresh keys must not open the door to guessing).
    return b.table->size() < config_.max_keys ? std::chrono::nanoseconds(0) : b.interval;
  }
  const auto slack = std::chrono::nanoseconds(config_.window) - b.interval;
  const auto ahead = it->second - now;
  return ahead > slack ? ahead - slack : std::chrono::nanoseconds(0);
}

void LoginLimiter::make_room(TimePoint now) {
  if (addresses_.size() < config_.max_keys && accounts_.size() < config_.max_keys) return;
  // Full buckets carry no information; forget them, at most once a second so
  // a flood does not make every attempt a full scan.
  if (now - last_sweep_ < std::chrono::seconds(1)) return;
  last_sweep_ = now;
  const auto full = [now](const auto& kv) { return kv.second <= now; };
  std::erase_if(addresses_, full);
  std::erase_if(accounts_, full);
}

std::chrono::seconds LoginLimiter::try_acquire(std::string_view address,
                                               std::string_view account, TimePoint now) {
  const Bucket by_address{&addresses_, interval_of(config_.window, config_.per_address)};
  const Bucket by_account{&accounts_, interval_of(config_.window, config_.per_account)};
  make_room(now);
  const auto wait = std::max(wait_for(by_address, address, now), wait_for(by_account, account, now));
  if (wait > std::chrono::nanoseconds(0)) {
    // Round up: a client retrying after Retry-After must find a token.
    return std::chrono::ceil<std::chrono::seconds>(wait);
  }
  take(by_address, address, now);
  take(by_account, account, now);
  return std::chrono::seconds(0);
}

void LoginLimiter::take(const Bucket& b, std::string_view key, TimePoint now) {
  auto [it, inserted] = b.table->try_emplace(std::string(key), now);
  it->second = std::max(it->second, now) + b.interval;
}

void LoginLimiter::give_back(const Bucket& b, std::string_view key, TimePoint now) {
  const auto it = b.table->find(std::string(key));
  if (it == b.table->end()) return;
  it->second -= b.interval;
  if (it->second <= now) b.table->erase(it);
}

void LoginLimiter::refund(std::string_view address, std::string_view account, TimePoint now) {
  give_back({&addresses_, interval_of(config_.window, config_.per_address)}, address, now);
  give_back({&accounts_, interval_of(config_.window, config_.per_account)}, account, now);
}

}  // namespace parley::web
