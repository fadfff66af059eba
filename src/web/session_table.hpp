// The live browser login sessions of protocol/api.md: random id and key, the
// user, the client address and User-Agent it is bound to, its times, the
// nonces it used in the last minute, the last WebSocket seq and its sockets.
// Sessions live only in memory (a restart ends them). An idle session stays
// small: nothing is preallocated per session. Owned by web::Api. Thread: core.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.hpp"
#include "web/api_delegate.hpp"

namespace parley::web {

// The nonces one session used recently (api.md: remembered for 60 s, at most
// 1,000 per window). Kept in arrival order, so the expired ones are a prefix.
class NonceCache {
 public:
  enum class Outcome { kAccepted, kReplayed, kFull };
  // Remembers `nonce` unless it is already known or the cache holds `max`.
  Outcome insert(std::string_view nonce, TimePoint now, std::chrono::milliseconds ttl,
                 std::size_t max);
  // Forgets nonces older than `ttl` and frees the memory once empty.
  void prune(TimePoint now, std::chrono::milliseconds ttl);
  std::size_t size() const { return entries_.size(); }
  // When the oldest remembered nonce arrived (for Retry-After when full).
  std::optional<TimePoint> oldest() const {
    if (entries_.empty()) return std::nullopt;
    return entries_.front().at;
  }

 private:
  struct Entry {
    std::uint64_t hash;  // of the nonce text: 8 bytes instead of a string
    TimePoint at;
  };
  std::vector<Entry> entries_;
};

struct WebSession {
  static constexpr std::size_t kIdBytes = 16;
  static constexpr std::size_t kKeyBytes = 32;

  WebSessionId id;
  std::string public_id;  // base64url of 16 random bytes: what the browser sends
  std::array<char, kKeyBytes> key{};
  UserInfo user;
  std::string client_ip;
  // SHA-256 of the User-Agent header: a browser is recognised by the exact
  // header, and 32 bytes keep an idle session small whatever the header's size.
  std::array<char, 32> user_agent_hash{};
  TimePoint created{};
  TimePoint last_activity{};  // last valid signed request or frame, or last socket closed
  std::uint64_t last_seq = 0;
  NonceCache nonces;
  std::vector<WsId> sockets;  // accepted upgrades, opening or open
  std::uint16_t open_sockets = 0;
  bool online = false;  // the delegate was told on_session_online

  std::string_view key_bytes() const { return {key.data(), key.size()}; }
  bool same_browser(std::string_view user_agent) const;
};

class SessionTable {
 public:
  struct Limits {
    std::chrono::seconds idle_timeout{1800};
    std::chrono::seconds max_age{43200};
    std::size_t max_sessions = 100000;
  };
  enum class Expiry { kAlive, kIdle, kTooOld };

  explicit SessionTable(Limits limits);

  // A new session with fresh random id and key; nullptr at max_sessions.
  WebSession* create(UserInfo user, std::string client_ip, std::string_view user_agent,
                     TimePoint now);
  WebSession* find(WebSessionId id);
  const WebSession* find(WebSessionId id) const;
  // By the id the browser sends; nullptr if unknown.
  WebSession* find_public(std::string_view public_id);
  // The sessions of user `name` (empty if none).
  const std::vector<WebSessionId>& of_user(std::string_view name) const;
  void erase(WebSessionId id);

  // Idle counts only while no WebSocket is open; the maximum age always.
  Expiry expiry(const WebSession& s, TimePoint now) const;
  // Ids of every session, for sweeps (a copy: ending sessions edits the table).
  std::vector<WebSessionId> ids() const;

  std::size_t size() const { return sessions_.size(); }
  bool full() const { return sessions_.size() >= limits_.max_sessions; }
  const Limits& limits() const { return limits_; }

 private:
  Limits limits_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<WebSessionId, WebSession> sessions_;
  // Views into each session's public_id (node-based map: the strings do not move).
  std::unordered_map<std::string_view, WebSessionId> by_public_;
  std::unordered_map<std::string, std::vector<WebSessionId>> by_user_;
};

}  // namespace parley::web
