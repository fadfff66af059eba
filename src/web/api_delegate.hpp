// What the browser API (web::Api) needs from the rest of the server, which
// it knows nothing about: checking passwords, the user list with presence,
// where browser messages go, and the chat features (chat()). Implemented by
// the gateway. Thread: core.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/strong_id.hpp"
#include "web/http_types.hpp"

namespace parley::web {

struct WebSessionIdTag {};
// Server-side handle of one login session (not the secret session id string).
using WebSessionId = StrongId<WebSessionIdTag>;

struct UserInfo {
  std::string name;
  std::string display_name;
  std::string uri;  // sip:name@domain
};

// A user's presence as the browser sees it (api.md Presence status).
// `status`: "offline", "available", "away", "busy", "dnd", "on_the_phone".
struct PresenceView {
  std::string status = "offline";
  std::string note;
};

struct UserEntry {
  UserInfo user;
  bool online = false;
  // Braced so `{user, online}` still compiles warning-free (-Wmissing-field-initializers).
  PresenceView presence{};
};

// A `message.send` from a browser, decoded and checked (api.md).
struct OutgoingMessage {
  std::string id;  // the client's id, echoed in message.status
  std::string to;  // user name or SIP URI, as given
  std::string text;
};

class ChatDelegate;

class ApiDelegate {
 public:
  virtual ~ApiDelegate() = default;
  // Checks a login off the core thread; calls `done` on the core thread with
  // the user, or nullopt for a wrong password / unknown user / no web password.
  virtual void check_password(std::string name, std::string password,
                              std::function<void(std::optional<UserInfo>)> done) = 0;
  // The community's users, ordered by name, with the presence `asking` may
  // see (others' shows offline).
  virtual std::vector<UserEntry> users(const UserInfo& asking) = 0;
  // A session's first WebSocket opened / its last one closed: the session is
  // (no longer) a live endpoint of its user.
  virtual void on_session_online(WebSessionId session, const UserInfo& user) = 0;
  virtual void on_session_offline(WebSessionId session) = 0;
  // A session ended (logout, expiry); after on_session_offline if it was online.
  virtual void on_session_ended(WebSessionId session) = 0;
  // Browser actions. The answer (message.status) comes back through
  // Api::push_to_session when the outcome is known.
  virtual void send_message(WebSessionId session, OutgoingMessage message) = 0;
  // The browser acknowledged an incoming `message` (api.md message.ack).
  virtual void ack_message(WebSessionId session, std::string server_id) = 0;
  // Rooms, history, search, buddies and presence status (chat_delegate.hpp);
  // nullptr when the server runs without chat: those routes then answer 404.
  virtual ChatDelegate* chat() { return nullptr; }
  // The server's counters in Prometheus text format (GET /metrics).
  virtual std::string metrics() { return {}; }
};

}  // namespace parley::web
