#include "web/api.hpp"

#include <boost/json.hpp>

#include "base/log.hpp"
#include "web/api_impl.hpp"

namespace parley::web {

// ---- shared helpers ----

HttpResponse json_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse error_response(int status, std::string_view code, std::string_view message,
                            std::int64_t retry_after_s) {
  namespace json = boost::json;
  HttpResponse r = json_response(
      status, json::serialize(json::object{
                  {"error", json::object{{"code", code}, {"message", message}}}}));
  if (retry_after_s > 0) r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return r;
}

HttpResponse refusal_response(const Refusal& r) {
  return error_response(r.status, r.code, r.message, r.retry_after_s);
}

std::string loggable(std::string_view untrusted, std::size_t max) {
  std::string out;
  for (char c : untrusted.substr(0, max)) {
    out.push_back(c > ' ' && c < 0x7f && c != '"' && c != '=' ? c : '?');
  }
  if (untrusted.size() > max) out += "...";
  return out;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

std::string id_prefix(std::string_view session_id) { return loggable(session_id.substr(0, 6), 6); }

// ---- Impl: sessions, sweeps, pushes ----

Api::Impl::Impl(ApiConfig cfg, ApiDelegate& d, WsSender& s, std::function<TimePoint()> n,
                std::function<std::int64_t()> w, ApiStats& st)
    : config(std::move(cfg)),
      delegate(d),
      sender(s),
      now(std::move(n)),
      wall_ms(std::move(w)),
      stats(st),
      sessions({config.idle_timeout, config.max_age, config.max_sessions}),
      limiter({config.login_failures_per_address, config.login_failures_per_account,
               std::chrono::seconds(60), 65536}),
      self(std::make_shared<Impl*>(this)),
      log(log::get("web.api")) {}

void Api::Impl::end_session(WebSessionId id, std::uint16_t code, std::string_view reason) {
  WebSession* s = sessions.find(id);
  if (s == nullptr) return;
  // Detach everything first: closing a socket or calling the delegate may
  // come back into this object (on_ws_closed, push_to_*).
  const std::vector<WsId> ws = std::move(s->sockets);
  const bool was_online = s->online;
  log->info("event=session-ended session={} user={} reason={}", id_prefix(s->public_id),
            loggable(s->user.name), reason);
  for (WsId w : ws) sockets.erase(w);
  sessions.erase(id);
  for (WsId w : ws) sender.close(w, code, std::string(reason));
  if (was_online) delegate.on_session_offline(id);
  delegate.on_session_ended(id);
}

void Api::Impl::sweep() {
  const TimePoint t = now();
  last_sweep = t;
  for (WebSessionId id : sessions.ids()) {
    WebSession* s = sessions.find(id);
    if (s == nullptr) continue;
    if (sessions.expiry(*s, t) != SessionTable::Expiry::kAlive) {
      ++stats.sessions_expired;
      end_session(id, 4001, "session_expired");
    } else {
      s->nonces.prune(t, nonce_ttl());  // idle sessions give their nonce memory back
    }
  }
}

bool Api::Impl::send_to_session(const WebSession& s, const std::string& json) {
  const std::vector<WsId> ws = s.sockets;  // sending may close (and edit) sockets
  bool any = false;
  for (WsId w : ws) {
    const auto it = sockets.find(w);
    if (it == sockets.end() || !it->second.open) continue;
    any = sender.send(w, json) || any;
  }
  return any;
}

void Api::Impl::log_refusal(std::string_view session_id, std::string_view client_ip,
                            const Refusal& r) {
  ++stats.refused_requests;
  // Anyone can send refused requests at line rate: the log gets a budget.
  std::uint64_t suppressed = 0;
  if (!log_budget.allow(now(), suppressed)) return;
  log->warn("event=refused code={} session={} addr={} suppressed_before={}", r.code,
            id_prefix(session_id), loggable(client_ip), suppressed);
}

// ---- Api ----

Api::Api(ApiConfig config, ApiDelegate& delegate, WsSender& sockets,
         std::function<TimePoint()> now, std::function<std::int64_t()> wall_ms)
    : impl_(std::make_unique<Impl>(std::move(config), delegate, sockets, std::move(now),
                                   std::move(wall_ms), stats_)) {}

Api::~Api() {
  *impl_->self = nullptr;  // pending login completions find nothing
}

bool Api::push_to_session(WebSessionId session, const std::string& json) {
  const WebSession* s = impl_->sessions.find(session);
  return s != nullptr && impl_->send_to_session(*s, json);
}

std::size_t Api::push_to_user(std::string_view name, const std::string& json,
                              WebSessionId except) {
  const std::vector<WebSessionId> ids = impl_->sessions.of_user(name);
  std::size_t sent = 0;
  for (WebSessionId id : ids) {
    if (id == except) continue;
    const WebSession* s = impl_->sessions.find(id);
    if (s != nullptr && impl_->send_to_session(*s, json)) ++sent;
  }
  return sent;
}

void Api::push_to_all(const std::string& json) {
  std::vector<WsId> open;
  open.reserve(impl_->sockets.size());
  for (const auto& [id, sock] : impl_->sockets) {
    if (sock.open) open.push_back(id);
  }
  for (WsId id : open) impl_->sender.send(id, json);
}

std::optional<UserInfo> Api::session_user(WebSessionId session) const {
  const WebSession* s = impl_->sessions.find(session);
  if (s == nullptr) return std::nullopt;
  return s->user;
}

void Api::on_timer() {
  try {
    impl_->sweep();
  } catch (const std::exception& e) {
    impl_->log->error("event=internal where=on_timer what={}", e.what());
  }
}

std::optional<TimePoint> Api::next_deadline() const {
  // Expiry is checked exactly on every request; the sweep only has to end
  // sessions nobody uses, so once a second is precise enough and O(1) here.
  if (impl_->sessions.size() == 0) return std::nullopt;
  return impl_->last_sweep + std::chrono::seconds(1);
}

void Api::close_all() {
  try {
    impl_->closing = true;
    for (WebSessionId id : impl_->sessions.ids()) impl_->end_session(id, 1001, "going_away");
  } catch (const std::exception& e) {
    impl_->log->error("event=internal where=close_all what={}", e.what());
  }
}

std::size_t Api::session_count() const { return impl_->sessions.size(); }

}  // namespace parley::web
