// Limits login attempts per client address and per account (protocol/api.md:
// 10 and 5 failures per minute by default) so passwords cannot be guessed at
// speed and Argon2id cannot be used to burn CPU. One GCRA token bucket per
// key (a single time point each); the number of tracked keys is capped.
// Owned by web::Api. Thread: core.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.hpp"

namespace parley::web {

class LoginLimiter {
 public:
  struct Config {
    std::size_t per_address = 10;  // failures per `window`
    std::size_t per_account = 5;
    std::chrono::seconds window{60};
    std::size_t max_keys = 65536;  // per table (addresses, accounts)
  };

  explicit LoginLimiter(Config config);

  // Takes one attempt from both buckets before the password is checked (so
  // parallel attempts count at once). Returns zero when allowed, else how
  // long until the next attempt is allowed (nothing taken then).
  std::chrono::seconds try_acquire(std::string_view address, std::string_view account,
                                   TimePoint now);
  // The attempt succeeded: give both tokens back (successes are not limited).
  void refund(std::string_view address, std::string_view account, TimePoint now);

  std::size_t tracked_keys() const { return addresses_.size() + accounts_.size(); }

 private:
  // A bucket is "full at" a time point: each attempt pushes it one interval
  // later; it is empty while full_at is more than (window - interval) away.
  using Table = std::unordered_map<std::string, TimePoint>;
  struct Bucket {
    Table* table;
    std::chrono::nanoseconds interval;
  };

  std::chrono::nanoseconds wait_for(const Bucket& b, std::string_view key, TimePoint now) const;
  void make_room(TimePoint now);
  void take(const Bucket& b, std::string_view key, TimePoint now);
  void give_back(const Bucket& b, std::string_view key, TimePoint now);

  Config config_;
  Table addresses_;
  Table accounts_;
  TimePoint last_sweep_{};
};

}  // namespace parley::web
