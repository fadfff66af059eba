// Internal state of web::Api, shared by api.cpp (sessions, timers, pushes),
// api_http.cpp (login and signed HTTP endpoints) and api_ws.cpp (upgrade and
// frames). Not part of the module's interface. Thread: core.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <spdlog/logger.h>

#include "base/log_budget.hpp"
#include "base/result.hpp"
#include "web/api.hpp"
#include "web/login_limiter.hpp"
#include "web/request_signature.hpp"
#include "web/session_table.hpp"

namespace parley::web {

// Why a signed request or upgrade was refused: its HTTP answer (api.md Errors).
struct Refusal {
  int status = 401;
  std::string_view code;
  std::string_view message;
  std::int64_t retry_after_s = 0;  // > 0 adds Retry-After
};

// What the signature checks look at, from an HTTP request or an upgrade query.
struct SignedInput {
  std::string_view method;
  std::string_view target;  // as signed: the request target, or /api/v1/ws
  std::string_view body;
  std::string_view client_ip;
  std::string_view user_agent;
  SignedFields fields;
};

// The signature fields of a signed HTTP request (views into `request`).
SignedInput signed_input_of(const HttpRequest& request);

struct Api::Impl {
  Impl(ApiConfig config, ApiDelegate& delegate, WsSender& sockets,
       std::function<TimePoint()> now, std::function<std::int64_t()> wall_ms, ApiStats& stats);

  // ---- api_http.cpp ----
  void handle_request(const HttpRequest& request, const std::function<void(HttpResponse)>& respond);
  void login(const HttpRequest& request, const std::function<void(HttpResponse)>& respond);
  // GET /metrics: the delegate's Prometheus text, for loopback clients only.
  HttpResponse metrics(const HttpRequest& request);
  void finish_login(const std::string& user, const std::string& client_ip,
                    const std::string& user_agent, const std::optional<UserInfo>& found,
                    const std::function<void(HttpResponse)>& respond);
  HttpResponse signed_endpoint(const HttpRequest& request, std::string_view path);

  // ---- api_chat_http.cpp ----
  // The rooms API (api.md); false if `request` is not one of its paths.
  bool chat_request(const HttpRequest& request, const std::function<void(HttpResponse)>& respond);
  // api.md's checks in api.md's order; the first failure is the answer.
  Result<WebSession*, Refusal> check_signed(const SignedInput& in);

  // ---- api_ws.cpp ----
  std::optional<HttpResponse> upgrade(const HttpRequest& request, WsId id);
  void ws_open(WsId id);
  void ws_text(WsId id, std::string_view text);
  void ws_closed(WsId id);
  void dispatch(WebSession& s, WsId id, std::uint64_t seq, std::string_view json);

  // ---- api.cpp ----
  // Closes the session's sockets with `code`/`reason`, tells the delegate
  // (offline if it was online, then ended) and forgets the session.
  void end_session(WebSessionId id, std::uint16_t code, std::string_view reason);
  void sweep();
  bool send_to_session(const WebSession& s, const std::string& json);
  void log_refusal(std::string_view session_id, std::string_view client_ip, const Refusal& r);

  std::chrono::milliseconds nonce_ttl() const { return 2 * config.timestamp_window; }

  struct Socket {
    WebSessionId session;
    bool open = false;
  };

  ApiConfig config;
  ApiDelegate& delegate;
  WsSender& sender;
  std::function<TimePoint()> now;
  std::function<std::int64_t()> wall_ms;
  ApiStats& stats;
  SessionTable sessions;
  LoginLimiter limiter;
  std::unordered_map<WsId, Socket> sockets;
  // Login completions arrive later; they check this is still alive.
  std::shared_ptr<Impl*> self;
  bool closing = false;
  TimePoint last_sweep{};
  std::shared_ptr<spdlog::logger> log;
  log::LogBudget log_budget;  // refusals and failed logins: see log_budget.hpp
};

// HTTP answers and log helpers shared by the three files.
HttpResponse json_response(int status, std::string body);
HttpResponse error_response(int status, std::string_view code, std::string_view message,
                            std::int64_t retry_after_s = 0);
HttpResponse refusal_response(const Refusal& r);
// A value from the network, safe to put in a log line: printable ASCII only,
// at most `max` characters.
std::string loggable(std::string_view untrusted, std::size_t max = 64);
// %XX-decodes a path segment or query value (`+` as a space when asked, as
// in query strings); a broken escape is kept as it is, so a signature or
// name check then fails on it.
std::string percent_decode(std::string_view s, bool plus_is_space = false);
// The first characters of a session id: enough to follow it in the logs,
// useless to an attacker.
std::string id_prefix(std::string_view session_id);

}  // namespace parley::web
