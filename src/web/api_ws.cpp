// web::Api, WebSocket half: the signed upgrade, hello, signed frames and
// their dispatch, and sockets keeping sessions online (protocol/api.md).
#include "web/api.hpp"
#include "web/api_codec.hpp"
#include "web/api_impl.hpp"
#include "web/chat_delegate.hpp"

namespace parley::web {

namespace {

constexpr std::size_t kMaxFrameBytes = 64 * 1024;
constexpr std::int64_t kSocketsRetryAfterS = 5;

struct UpgradeQuery {
  std::string session, ts, nonce, sig;
};

UpgradeQuery parse_query(std::string_view target) {
  UpgradeQuery q;
  const auto qpos = target.find('?');
  if (qpos == std::string_view::npos) return q;
  std::string_view rest = target.substr(qpos + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = pair.substr(0, eq);
    std::string* slot = name == "session" ? &q.session
                        : name == "ts"    ? &q.ts
                        : name == "nonce" ? &q.nonce
                        : name == "sig"   ? &q.sig
                                          : nullptr;
    if (slot != nullptr && slot->empty()) *slot = percent_decode(pair.substr(eq + 1));
  }
  return q;
}

}  // namespace

std::optional<HttpResponse> Api::on_upgrade(const HttpRequest& request, WsId id) {
  try {
    return impl_->upgrade(request, id);
  } catch (const std::exception& e) {
    impl_->log->error("event=internal where=on_upgrade what={}", e.what());
    return error_response(500, "internal", "internal error");
  }
}

std::optional<HttpResponse> Api::Impl::upgrade(const HttpRequest& request, WsId id) {
  if (request.path() != "/api/v1/ws") return error_response(404, "not_found", "no such API path");
  if (request.method != "GET") {
    return error_response(405, "method_not_allowed", "method not allowed on this path");
  }
  if (closing) return error_response(503, "unavailable", "server shutting down");
  const UpgradeQuery q = parse_query(request.target);
  // api.md: signed as a GET of the path only, with an empty body.
  const SignedInput in{"GET", "/api/v1/ws", "", request.client_ip, request.header("user-agent"),
                       {q.session, q.ts, q.nonce, q.sig}};
  auto checked = check_signed(in);
  if (!checked) return refusal_response(checked.error());
  WebSession& s = *checked.value();
  if (s.sockets.size() >= config.max_sockets_per_session) {
    const Refusal r{429, "rate_limited", "too many WebSockets for this session", kSocketsRetryAfterS};
    log_refusal(s.public_id, request.client_ip, r);
    return refusal_response(r);
  }
  s.sockets.push_back(id);
  sockets[id] = Socket{s.id, false};
  return std::nullopt;
}

void Api::on_ws_open(WsId id) {
  try {
    impl_->ws_open(id);
  } catch (const std::exception& e) {
    impl_->log->error("event=internal where=on_ws_open what={}", e.what());
    impl_->sender.close(id, 1011, "internal");
  }
}

void Api::Impl::ws_open(WsId id) {
  const auto it = sockets.find(id);
  WebSession* s = it == sockets.end() ? nullptr : sessions.find(it->second.session);
  if (s == nullptr) {
    // Its session ended between the upgrade and the handshake's end.
    sockets.erase(id);
    sender.close(id, 4001, "session_expired");
    return;
  }
  it->second.open = true;
  ++s->open_sockets;
  const WebSessionId sid = s->id;
  if (!sender.send(id, codec::encode_hello(s->user, s->last_seq, wall_ms()))) return;
  // Sending may have closed the socket and come back through ws_closed: look again.
  const auto again = sockets.find(id);
  s = sessions.find(sid);
  if (again == sockets.end() || s == nullptr || s->online) return;
  // After hello, so a presence push caused by this cannot come first.
  s->online = true;
  delegate.on_session_online(sid, s->user);
}

void Api::on_ws_closed(WsId id) {
  try {
    impl_->ws_closed(id);
  } catch (const std::exception& e) {
    impl_->log->error("event=internal where=on_ws_closed what={}", e.what());
  }
}

void Api::Impl::ws_closed(WsId id) {
  const auto it = sockets.find(id);
  if (it == sockets.end()) return;  // already detached by end_session
  const Socket sock = it->second;
  sockets.erase(it);
  WebSession* s = sessions.find(sock.session);
  if (s == nullptr) return;
  std::erase(s->sockets, id);
  if (!sock.open) return;
  --s->open_sockets;
  // The idle timeout starts counting when the last socket goes.
  s->last_activity = now();
  if (s->open_sockets == 0 && s->online) {
    s->online = false;
    delegate.on_session_offline(s->id);
  }
}

void Api::on_ws_text(WsId id, std::string text) {
  try {
    impl_->ws_text(id, text);
  } catch (const std::exception& e) {
    impl_->log->error("event=internal where=on_ws_text what={}", e.what());
    impl_->sender.send(id, codec::encode_error("internal", "internal error"));
  }
}

void Api::Impl::ws_text(WsId id, std::string_view text) {
  const auto it = sockets.find(id);
  if (it == sockets.end() || !it->second.open) return;
  WebSession* s = sessions.find(it->second.session);
  if (s == nullptr) return;
  if (sessions.expiry(*s, now()) != SessionTable::Expiry::kAlive) {
    ++stats.sessions_expired;
    end_session(s->id, 4001, "session_expired");
    return;
  }
  const auto parsed = text.size() <= kMaxFrameBytes ? parse_ws_frame(text)
                                                     : std::variant<WsFrame, WsFrameError>(WsFrameError{});
  if (const auto* bad = std::get_if<WsFrameError>(&parsed)) {
    sender.send(id, codec::encode_error("bad_request", "frame is not \"<seq> <sig> <json>\"", bad->seq));
    return;
  }
  const WsFrame* frame = &std::get<WsFrame>(parsed);
  const std::string canonical = ws_canonical_string(s->public_id, frame->seq_text, frame->json);
  const bool signed_ok = verify_signature(s->key_bytes(), canonical, frame->signature);
  if (!signed_ok || frame->seq <= s->last_seq) {
    const Refusal r = signed_ok ? Refusal{401, "replayed", "seq not above the last accepted"}
                                : Refusal{401, "bad_signature", "signature does not match"};
    log_refusal(s->public_id, s->client_ip, r);
    sender.send(id, codec::encode_error(r.code, r.message, frame->seq));
    sender.close(id, 4003, std::string(r.code));
    return;
  }
  s->last_seq = frame->seq;
  s->last_activity = now();
  dispatch(*s, id, frame->seq, frame->json);
}

void Api::Impl::dispatch(WebSession& s, WsId id, std::uint64_t seq, std::string_view json) {
  auto decoded = codec::decode_client_message(json);
  if (!decoded) {
    sender.send(id, codec::encode_error(decoded.error().code, decoded.error().message, seq));
    return;
  }
  const WebSessionId sid = s.id;
  if (std::holds_alternative<codec::Ping>(*decoded)) {
    sender.send(id, codec::encode_pong(wall_ms()));
  } else if (auto* send = std::get_if<codec::MessageSend>(&*decoded)) {
    delegate.send_message(sid, std::move(send->message));
  } else if (auto* ack = std::get_if<codec::MessageAck>(&*decoded)) {
    delegate.ack_message(sid, std::move(ack->id));
  } else if (auto* set = std::get_if<codec::PresenceSet>(&*decoded)) {
    ChatDelegate* chat = delegate.chat();
    if (chat == nullptr) {
      sender.send(id, codec::encode_error("not_found", "presence status not served here", seq));
      return;
    }
    const UserInfo user = s.user;  // the delegate may end the session while it runs
    chat->set_presence(sid, user, std::move(set->status), std::move(set->note));
  }
}

}  // namespace parley::web
