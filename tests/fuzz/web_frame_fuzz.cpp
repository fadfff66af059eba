// libFuzzer target: a browser WebSocket frame (protocol/api.md "Frames from
// the browser"), hostile input on every open socket. The input goes through
// the frame split, through the message decoder, and — signed with a live
// session's key, so the fuzzer reaches past the signature — through
// web::Api::on_ws_text. It must never crash and decoded values respect limits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "web/api.hpp"
#include "web/api_codec.hpp"
#include "web/chat_delegate.hpp"
#include "web/request_signature.hpp"
#include "web/web_crypto.hpp"

namespace {

using namespace parley;
using namespace parley::web;

bool chosen_status(std::string_view s) {
  return s == "available" || s == "away" || s == "busy" || s == "dnd";
}

// Only presence.set reaches the chat delegate from a frame; the REST calls
// are never made here.
class NullChat : public ChatDelegate {
 public:
  void list_rooms(const UserInfo&, Done<std::vector<RoomView>>) override {}
  void create_room(const UserInfo&, NewRoomRequest, Done<RoomView>) override {}
  void update_room(const UserInfo&, std::string, RoomChangeRequest, Done<RoomView>) override {}
  void delete_room(const UserInfo&, std::string, Done<NoContent>) override {}
  void join_room(const UserInfo&, std::string, Done<RoomView>) override {}
  void leave_room(const UserInfo&, std::string, Done<RoomView>) override {}
  void invite(const UserInfo&, std::string, std::string, Done<NoContent>) override {}
  void members(const UserInfo&, std::string, Done<std::vector<MemberView>>) override {}
  void room_history(const UserInfo&, std::string, HistoryRequest, Done<HistoryPageView>) override {}
  void private_history(const UserInfo&, std::string, HistoryRequest,
                       Done<HistoryPageView>) override {}
  void mark_read(const UserInfo&, std::string, std::string, Done<NoContent>) override {}
  void search(const UserInfo&, std::string, std::size_t,
              Done<std::vector<StoredMessageView>>) override {}
  void buddies(const UserInfo&, Done<std::vector<MemberView>>) override {}
  void add_buddy(const UserInfo&, std::string, Done<NoContent>) override {}
  void remove_buddy(const UserInfo&, std::string, Done<NoContent>) override {}
  void set_presence(WebSessionId, const UserInfo&, std::string status, std::string note) override {
    if (!chosen_status(status) || note.size() > 256) __builtin_trap();
  }
};

class NullDelegate : public ApiDelegate {
 public:
  ChatDelegate* chat() override { return &chat_; }
  void check_password(std::string name, std::string,
                      std::function<void(std::optional<UserInfo>)> done) override {
    done(UserInfo{name, name, "sip:" + name + "@localhost"});
  }
  std::vector<UserEntry> users(const UserInfo&) override { return {}; }
  void on_session_online(WebSessionId, const UserInfo&) override {}
  void on_session_offline(WebSessionId) override {}
  void on_session_ended(WebSessionId) override {}
  void send_message(WebSessionId, OutgoingMessage m) override {
    if (m.id.empty() || m.text.empty() || m.text.size() > 4 * 16384) __builtin_trap();
    // room.post: "~" and a name already in canonical form.
    if (m.to.starts_with("~") && codec::canonical_name(m.to.substr(1)) != m.to.substr(1)) {
      __builtin_trap();
    }
  }
  void ack_message(WebSessionId, std::string id) override {
    if (id.empty()) __builtin_trap();
  }

 private:
  NullChat chat_;
};

class NullSender : public WsSender {
 public:
  bool send(WsId, std::string) override { return true; }
  void close(WsId, std::uint16_t, std::string) override { closed = true; }
  bool closed = false;
};

// One API with one logged-in session and one open socket for the whole run.
struct Harness {
  NullDelegate delegate;
  NullSender sender;
  std::int64_t wall = 1796000000000;
  Api api{ApiConfig{}, delegate, sender, [] { return TimePoint{} + std::chrono::hours(1); },
          [this] { return wall; }};
  std::string session_id;
  std::string key;
  std::uint64_t seq = 0;
  WsId ws{1};

  Harness() {
    HttpRequest login;
    login.method = "POST";
    login.target = "/api/v1/login";
    login.body = R"({"user":"fuzz","password":"x"})";
    login.client_ip = "127.0.0.1";
    api.on_request(login, [this](HttpResponse r) {
      const auto at = [&](std::string_view name) {
        const auto p = r.body.find(std::string("\"") + std::string(name) + "\":\"");
        const auto start = p + name.size() + 4;
        return r.body.substr(start, r.body.find('"', start) - start);
      };
      session_id = at("session_id");
      key = crypto::base64url_decode(at("session_key")).value_or("");
    });
    HttpRequest up;
    up.method = "GET";
    up.client_ip = "127.0.0.1";
    const std::string ts = std::to_string(wall);
    const std::string sig = sign_canonical(key, http_canonical_string("GET", "/api/v1/ws", ts, "n", ""));
    up.target = "/api/v1/ws?session=" + session_id + "&ts=" + ts + "&nonce=n&sig=" + sig;
    if (api.on_upgrade(up, ws)) __builtin_trap();
    api.on_ws_open(ws);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Harness h;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const auto frame = parse_ws_frame(text);
  if (const auto* f = std::get_if<WsFrame>(&frame)) {
    if (f->seq == 0 || f->seq > (std::uint64_t{1} << 53) - 1 || f->signature.size() != 43) {
      __builtin_trap();
    }
  }

  const auto decoded = codec::decode_client_message(text);
  if (decoded.ok()) {
    if (const auto* send = std::get_if<codec::MessageSend>(&decoded.value())) {
      if (send->message.id.empty() || send->message.text.empty()) __builtin_trap();
    }
    if (const auto* set = std::get_if<codec::PresenceSet>(&decoded.value())) {
      if (!chosen_status(set->status) || set->note.size() > 256) __builtin_trap();
    }
  }

  // Signed with the session's key and the next seq: past every check.
  const std::string seq = std::to_string(++h.seq);
  h.api.on_ws_text(h.ws, seq + " " +
                             sign_canonical(h.key, ws_canonical_string(h.session_id, seq, text)) +
                             " " + std::string(text));
  if (h.sender.closed) __builtin_trap();  // a correctly signed frame never closes the socket
  return 0;
}
