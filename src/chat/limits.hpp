// Chat limits: message size, messages per user per time (a token bucket per
// user, driven by the `now` it is given), rooms owned per user. Each refusal
// says what the limit is. Owned by the gateway's chat service. Thread: core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "base/clock.hpp"
#include "base/strong_id.hpp"
#include "chat/refusal.hpp"

namespace parley::chat {

struct ChatLimits {
  std::size_t max_message_bytes = 16384;
  double messages_per_second = 1.0;     // sustained rate per user
  double burst = 10.0;                  // messages a quiet user may send at once
  std::size_t max_rooms_per_user = 20;  // rooms a user may own
};

// Empty (or only white space) and too large bodies are refused.
ChatStatus check_message_size(std::string_view body, const ChatLimits& limits);
ChatStatus check_room_count(std::uint64_t rooms_owned, const ChatLimits& limits);

// A token bucket: `capacity` tokens, refilled at `rate` per second.
class TokenBucket {
 public:
  TokenBucket(double rate, double capacity, TimePoint now);
  // Takes a token if there is one; otherwise says how long until there is.
  bool try_take(TimePoint now, Millis* retry_after = nullptr);
  bool full(TimePoint now) const;

 private:
  double level(TimePoint now) const;

  double rate_;
  double capacity_;
  double tokens_;
  TimePoint updated_;
};

// One bucket per user; a user's bucket is created on first use and dropped
// once full again, so the table only holds recently active users.
class RateLimiter {
 public:
  explicit RateLimiter(const ChatLimits& limits) : limits_(limits) {}
  ChatStatus try_post(UserId user, TimePoint now);
  std::size_t tracked_users() const { return buckets_.size(); }

 private:
  void prune(TimePoint now);

  ChatLimits limits_;
  std::unordered_map<UserId, TokenBucket> buckets_;
  std::size_t prune_at_ = 1024;
};

}  // namespace parley::chat
