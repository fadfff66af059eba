#include "chat/limits.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace parley::chat {

namespace {

bool all_space(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

}  // namespace

ChatStatus check_message_size(std::string_view body, const ChatLimits& limits) {
  if (body.empty() || all_space(body))
    return refuse(RefusalCode::EmptyMessage, "the message is empty");
  if (body.size() > limits.max_message_bytes) {
    return refuse(RefusalCode::MessageTooLarge, "the message is " + std::to_string(body.size()) +
                                                    " bytes; the limit is " +
                                                    std::to_string(limits.max_message_bytes));
  }
  return Ok{};
}

ChatStatus check_room_count(std::uint64_t rooms_owned, const ChatLimits& limits) {
  if (rooms_owned < limits.max_rooms_per_user) return Ok{};
  return refuse(RefusalCode::TooManyRooms, "you already own " + std::to_string(rooms_owned) +
                                               " rooms; the limit is " +
                                               std::to_string(limits.max_rooms_per_user));
}

TokenBucket::TokenBucket(double rate, double capacity, TimePoint now)
    : rate_(rate), capacity_(capacity), tokens_(capacity), updated_(now) {}

double TokenBucket::level(TimePoint now) const {
  // Time going backwards (it should not, steady clock) adds nothing.
  const auto elapsed = std::max(Millis(0), std::chrono::duration_cast<Millis>(now - updated_));
  return std::min(capacity_, tokens_ + rate_ * static_cast<double>(elapsed.count()) / 1000.0);
}

bool TokenBucket::full(TimePoint now) const { return level(now) >= capacity_; }

bool TokenBucket::try_take(TimePoint now, Millis* retry_after) {
  tokens_ = level(now);
  updated_ = std::max(updated_, now);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return true;
  }
  if (retry_after != nullptr) {
    const double ms = rate_ > 0 ? std::ceil((1.0 - tokens_) * 1000.0 / rate_) : 3600000.0;
    *retry_after = Millis(static_cast<Millis::rep>(ms));
  }
  return false;
}

ChatStatus RateLimiter::try_post(UserId user, TimePoint now) {
  if (buckets_.size() >= prune_at_) prune(now);
  auto it = buckets_.try_emplace(user, limits_.messages_per_second, limits_.burst, now).first;
  Millis wait{0};
  if (it->second.try_take(now, &wait)) return Ok{};
  const auto seconds = std::max<Millis::rep>(1, (wait.count() + 999) / 1000);
  return fail(Refusal{RefusalCode::RateLimited,
                      "you are sending too fast; wait " + std::to_string(seconds) +
                          (seconds == 1 ? " second" : " seconds"),
                      wait});
}

void RateLimiter::prune(TimePoint now) {
  std::erase_if(buckets_, [&](const auto& entry) { return entry.second.full(now); });
  // Amortised: prune again only once the table has doubled.
  prune_at_ = std::max<std::size_t>(1024, buckets_.size() * 2);
}

}  // namespace parley::chat
