// Parley's own SIP user agent for browser sessions (DESIGN.md "Telephony"):
// every browser session with an open WebSocket is an endpoint of its user,
// reached over the in-process WEB transport. A SIP MESSAGE forked to a
// session is pushed to the browser and answered 200 when the browser
// acknowledges it; a message typed in the browser leaves as a SIP MESSAGE
// from the user's public identity through the proxy, and its final response
// becomes the browser's delivery status. Owned by WebService. Thread: core.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.hpp"
#include "gateway/user_directory.hpp"
#include "gateway/web_endpoints.hpp"
#include "sip/message/message.hpp"
#include "web/api_delegate.hpp"

namespace parley::gateway {

// Where the user agent's output goes; std::functions so tests plug in fakes.
struct WebUserAgentPorts {
  // A message for the proxy, as if received on `flow` (SipService::inject).
  std::function<void(sip::Message, sip::Flow)> inject;
  // A server frame to every WebSocket of a session; false if it has none.
  std::function<bool(web::WebSessionId, const std::string&)> push_to_session;
  // To every session of a user but `except`.
  std::function<void(std::string_view user, const std::string&, web::WebSessionId except)>
      push_to_user;
  // Unix milliseconds, for message times.
  std::function<std::int64_t()> wall_ms;
};

struct WebUserAgentStats {
  std::uint64_t delivered_to_browser = 0;  // incoming messages acknowledged
  std::uint64_t unacknowledged = 0;        // incoming messages that timed out (408)
  std::uint64_t sent_from_browser = 0;
};

class WebUserAgent {
 public:
  WebUserAgent(std::string domain, const UserDirectory& directory, WebUserAgentPorts ports);

  // Session lifecycle (web::ApiDelegate, forwarded by WebService).
  // session_ended forgets what the session sent (it cannot come back).
  void session_online(web::WebSessionId session, std::string user);
  // Returns the session's user ("" if it was not online).
  std::string session_offline(web::WebSessionId session, TimePoint now);
  void session_ended(web::WebSessionId session) { sent_.erase(session); }
  bool has_live_session(std::string_view user) const;
  std::size_t live_sessions() const { return sessions_.size(); }

  // Browser actions.
  void send_message(web::WebSessionId session, const web::OutgoingMessage& message, TimePoint now);
  void ack_message(web::WebSessionId session, std::string_view server_id);

  // Unacknowledged incoming messages get 408 after kAckTimeout; outgoing ones
  // without a final answer are reported failed after kAnswerTimeout.
  void on_timer(TimePoint now);

  // The WebEndpoints half that concerns sessions (WebService forwards).
  void add_endpoints(std::string_view user, std::vector<sip::Endpoint>& out) const;
  bool deliver(const sip::Message& message, const sip::Flow& flow);

  const WebUserAgentStats& stats() const { return stats_; }

  // A browser that does not keep up (no acks) or floods sends is refused
  // rather than growing the server's memory: beyond these, incoming
  // messages get 480 and sends fail at once with 503.
  static constexpr std::uint32_t kMaxUnacknowledged = 256;
  static constexpr std::uint32_t kMaxInFlight = 128;
  static constexpr auto kAckTimeout = std::chrono::seconds(10);
  static constexpr auto kAnswerTimeout = std::chrono::seconds(64);

 private:
  struct Incoming {
    web::WebSessionId session;
    sip::Message request;  // to build the answer
    TimePoint deadline;
  };
  struct Outgoing {
    web::WebSessionId session;
    std::string client_id;
    TimePoint deadline;
  };
  // What became of a session's recent message.send ids: a browser resends
  // what it has no status for after a reconnect, and must not send it twice.
  struct SentIds {
    std::unordered_map<std::string, std::string> status;  // id -> status frame ("" = in flight)
    std::vector<std::string> order;                        // oldest first, for the bound
  };
  static constexpr std::size_t kRememberedIds = 64;
  // True when `id` was seen before (its status, if known, is pushed again).
  bool seen_before(web::WebSessionId session, const std::string& id);
  void report(web::WebSessionId session, const std::string& id, int code, std::string_view reason);
  void push_copy(web::WebSessionId session, const std::string& user, const sip::Message& m,
                 const sip::Uri& target, const std::string& text);

  void on_request(const sip::Message& request, const sip::Flow& flow);
  void on_incoming_message(const sip::Message& request, const sip::Flow& flow);
  void on_response(const sip::Message& response);
  void answer(const sip::Message& request, const sip::Flow& flow, int status,
              std::string_view reason = {});
  std::string user_of(const sip::Uri& uri) const;
  sip::Flow flow_of(web::WebSessionId session) const;

  std::string domain_;
  const UserDirectory& directory_;
  WebUserAgentPorts ports_;
  std::unordered_map<web::WebSessionId, std::string> sessions_;  // live session -> user
  StringMap<std::vector<web::WebSessionId>> by_user_;
  std::unordered_map<std::string, Incoming> incoming_;   // server message id -> pending answer
  std::unordered_map<std::string, Outgoing> outgoing_;   // our Via branch -> browser's message
  std::unordered_map<web::WebSessionId, SentIds> sent_;  // per live or recently live session
  struct Pending {
    std::uint32_t incoming = 0;  // in incoming_
    std::uint32_t outgoing = 0;  // in outgoing_
  };
  std::unordered_map<web::WebSessionId, Pending> pending_;  // only sessions with something pending
  void count(web::WebSessionId session, int incoming, int outgoing);
  std::uint64_t next_message_ = 1;
  WebUserAgentStats stats_;
};

}  // namespace parley::gateway
