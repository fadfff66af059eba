// The browser API of protocol/api.md: login and logout, signed HTTP requests
// and WebSocket frames, session lifetime, hello/ping, and the typed messages
// it hands to its ApiDelegate. Sans-I/O apart from the WsSender it answers
// through: time comes in as `now`, so tests drive it with a fake clock.
// Owned by the composition root (the gateway's web service). Thread: core.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "web/api_delegate.hpp"
#include "web/web_handler.hpp"

namespace parley::web {

struct ApiConfig {
  std::chrono::seconds idle_timeout{1800};   // api.md: no signed traffic and no WebSocket
  std::chrono::seconds max_age{43200};       // since login
  std::chrono::milliseconds timestamp_window{30000};
  std::size_t max_nonces_per_window = 1000;
  std::size_t max_sockets_per_session = 8;
  std::size_t max_sessions = 100000;
  // Failed logins allowed per minute before 429 (api.md).
  std::size_t login_failures_per_address = 10;
  std::size_t login_failures_per_account = 5;
  std::string server_name = "parley 0.1.0";
};

struct ApiStats {
  std::uint64_t logins_ok = 0;
  std::uint64_t logins_failed = 0;
  std::uint64_t logins_limited = 0;
  std::uint64_t refused_requests = 0;  // any signed-request or frame refusal
  std::uint64_t sessions_expired = 0;
};

class Api final : public WebHandler {
 public:
  // `now` is the steady clock, `wall_ms` the Unix time in milliseconds (for
  // X-Parley-Timestamp); both injectable for tests.
  Api(ApiConfig config, ApiDelegate& delegate, WsSender& sockets,
      std::function<TimePoint()> now, std::function<std::int64_t()> wall_ms);
  ~Api() override;
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // WebHandler (called by the server).
  void on_request(HttpRequest request, std::function<void(HttpResponse)> respond) override;
  std::optional<HttpResponse> on_upgrade(const HttpRequest& request, WsId id) override;
  void on_ws_open(WsId id) override;
  void on_ws_text(WsId id, std::string text) override;
  void on_ws_closed(WsId id) override;

  // Sends a server frame (api_codec.hpp encoders) to every open WebSocket of
  // `session`. False if it has none.
  bool push_to_session(WebSessionId session, const std::string& json);
  // To every open WebSocket of every session of user `name`, except `except`.
  std::size_t push_to_user(std::string_view name, const std::string& json,
                           WebSessionId except = {});
  // To every open WebSocket (presence changes).
  void push_to_all(const std::string& json);
  // The user a live session belongs to; nullopt once it ended.
  std::optional<UserInfo> session_user(WebSessionId session) const;

  // Ends idle and too old sessions. Call at next_deadline() (or every second).
  void on_timer();
  std::optional<TimePoint> next_deadline() const;
  // Ends every session and closes every socket with 1001 (shutdown).
  void close_all();

  const ApiStats& stats() const { return stats_; }
  std::size_t session_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  ApiStats stats_;
};

}  // namespace parley::web
