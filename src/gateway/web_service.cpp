#include "gateway/web_service.hpp"

#include <algorithm>
#include <thread>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "base/log.hpp"
#include "gateway/web_user_agent.hpp"
#include "store/password.hpp"
#include "web/api_codec.hpp"

namespace parley::gateway {

namespace asio = boost::asio;

namespace {

constexpr auto kHousekeeping = std::chrono::seconds(1);
constexpr auto kPresenceBatch = std::chrono::milliseconds(100);

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct WebService::Impl final : web::ApiDelegate, WebEndpoints, WebPort {
  Impl(asio::io_context& core, WebServiceConfig c, SipService& s, StoreWorker& st,
       PresenceService& p, ChatService& ch)
      : io(core),
        sip(s),
        store(st),
        presence(p),
        chat_service(ch),
        agent(s.domain(), s.directory(), agent_ports()),
        api(std::move(c.api), *this, server, [] { return SteadyClock::now(); }, wall_ms),
        server(core, std::move(c.server), api),
        housekeeping(core),
        presence_timer(core) {}

  WebUserAgentPorts agent_ports() {
    WebUserAgentPorts p;
    p.inject = [this](sip::Message m, sip::Flow f) { sip.inject(std::move(m), std::move(f)); };
    p.push_to_session = [this](web::WebSessionId s, const std::string& json) {
      return api.push_to_session(s, json);
    };
    p.push_to_user = [this](std::string_view user, const std::string& json,
                            web::WebSessionId except) { api.push_to_user(user, json, except); };
    p.wall_ms = wall_ms;
    return p;
  }

  // ---- web::ApiDelegate ----

  void check_password(std::string name, std::string password,
                      std::function<void(std::optional<web::UserInfo>)> done) override {
    // The store thread looks the hash up (fast); Argon2id (tens of
    // milliseconds, 64 MiB) runs on the hashing pool so logins neither wait
    // on each other one by one nor hold up registration writes; the answer
    // comes back to the core as a posted completion.
    store.post([this, name = std::move(name), password = std::move(password),
                done = std::move(done)](store::Store& s) mutable {
      auto login = s.users().find_login(name);
      store::UserRepository::Login found = login ? std::move(*login) : store::UserRepository::Login{};
      asio::post(hashing, [this, found = std::move(found), password = std::move(password),
                           done = std::move(done)]() mutable {
        bool ok = store::check_web_password(found.hash, password);
        asio::post(io, [this, ok, found = std::move(found), done = std::move(done)] {
          if (!ok) return done(std::nullopt);
          done(info_of(found.name, found.display_name));
        });
      });
    });
  }

  web::UserInfo info_of(const std::string& name, const std::string& display_name) const {
    return web::UserInfo{name, display_name.empty() ? name : display_name,
                         "sip:" + name + "@" + sip.domain()};
  }

  static web::PresenceView view_of(const presence::PresenceState& state) {
    return web::PresenceView{api_status_name(state.status), state.note};
  }

  std::vector<web::UserEntry> users(const web::UserInfo& asking) override {
    // Presence is shown to room mates and buddies only, as the live frames are.
    auto audience = chat_service.presence_watched_by(asking.name);
    std::vector<web::UserEntry> out;
    for (const UserEntry* u : sip.directory().users_by_name()) {
      auto state = audience.count(u->name) ? presence.state_of(u->name) : presence::PresenceState{};
      web::UserEntry e{info_of(u->name, u->display_name), state.status != presence::Status::Offline};
      e.presence = view_of(state);
      out.push_back(std::move(e));
    }
    return out;
  }

  web::ChatDelegate* chat() override { return &chat_service; }

  std::string metrics() override {
    std::string out;
    write_prometheus(sip.snapshot(), out);
    return out;
  }

  void on_session_online(web::WebSessionId session, const web::UserInfo& user) override {
    agent.session_online(session, user.name);
    presence.set_web_online(session.value(), user.name, true);
    chat_service.on_session_online(session, user.name);
  }

  void on_session_offline(web::WebSessionId session) override {
    std::string user = agent.session_offline(session, SteadyClock::now());
    if (!user.empty()) presence.set_web_online(session.value(), user, false);
  }

  void on_session_ended(web::WebSessionId session) override { agent.session_ended(session); }

  void send_message(web::WebSessionId session, web::OutgoingMessage message) override {
    agent.send_message(session, message, SteadyClock::now());
  }

  void ack_message(web::WebSessionId session, std::string server_id) override {
    if (!chat_service.on_ack(session, server_id)) agent.ack_message(session, server_id);
  }

  // ---- WebPort (the chat service's way to browsers) ----
  bool push_to_session(web::WebSessionId session, const std::string& json) override {
    return api.push_to_session(session, json);
  }
  void push_to_user(std::string_view user, const std::string& json) override {
    api.push_to_user(user, json, web::WebSessionId{});
  }
  bool has_live_session(std::string_view user) const override { return agent.has_live_session(user); }

  // ---- presence: every change, gathered for kPresenceBatch ----

  // A burst of N logins would cost N frames per socket; gathered for
  // kPresenceBatch, it costs a few.
  void queue_presence(const std::string& name, const presence::PresenceState& state) {
    auto [it, added] = presence_queue.try_emplace(name, view_of(state));
    if (!added) {
      it->second = view_of(state);
    } else {
      presence_order.push_back(name);
    }
    if (presence_armed) return;
    presence_armed = true;
    presence_timer.expires_after(kPresenceBatch);
    presence_timer.async_wait([this](const boost::system::error_code& ec) {
      presence_armed = false;
      if (ec) return;
      flush_presence();
    });
  }

  // Each change goes to the sessions of the users who may see it (room
  // mates, buddies, the user itself), one frame per user and batch.
  void flush_presence() {
    StringMap<std::vector<std::pair<std::string, web::PresenceView>>> per_user;
    for (auto& name : presence_order) {
      auto it = presence_queue.find(name);
      for (auto& to : chat_service.presence_audience(name)) {
        if (agent.has_live_session(to)) per_user[to].emplace_back(name, it->second);
      }
    }
    presence_order.clear();
    presence_queue.clear();
    for (const auto& [to, changes] : per_user) {
      api.push_to_user(to,
                       changes.size() == 1
                           ? web::codec::encode_presence_state(changes[0].first, changes[0].second)
                           : web::codec::encode_presence_states(changes),
                       web::WebSessionId{});
    }
  }

  // ---- WebEndpoints (called by the SIP service) ----

  void add_endpoints(std::string_view user, std::vector<sip::Endpoint>& out) override {
    agent.add_endpoints(user, out);
  }
  bool deliver(const sip::Message& message, const sip::Flow& flow) override {
    return agent.deliver(message, flow);
  }

  void arm_housekeeping() {
    housekeeping.expires_after(kHousekeeping);
    housekeeping.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      api.on_timer();
      agent.on_timer(SteadyClock::now());
      arm_housekeeping();
    });
  }

  asio::io_context& io;
  SipService& sip;
  StoreWorker& store;
  PresenceService& presence;
  ChatService& chat_service;
  // Destroyed in reverse: the server first (it tells the API about sockets
  // still open, and the API tells the agent), the agent last.
  WebUserAgent agent;
  web::Api api;
  web::WebServer server;
  asio::steady_timer housekeeping;
  asio::steady_timer presence_timer;
  bool presence_armed = false;
  StringMap<web::PresenceView> presence_queue;  // user -> latest state not pushed yet
  std::vector<std::string> presence_order;      // the queue's users, first change first
  std::shared_ptr<spdlog::logger> log = log::get("gateway");
  // Declared last: joined first on destruction, before what its tasks use.
  asio::thread_pool hashing{std::max(1U, std::thread::hardware_concurrency())};
};

WebService::WebService(asio::io_context& core, WebServiceConfig config, SipService& sip,
                       StoreWorker& store, PresenceService& presence, ChatService& chat)
    : impl_(std::make_unique<Impl>(core, std::move(config), sip, store, presence, chat)) {
  sip.attach_web(impl_.get());
  chat.attach_web(impl_.get());
  presence.set_on_change([this](const std::string& user, const presence::PresenceState& state) {
    impl_->queue_presence(user, state);
  });
}

WebService::~WebService() = default;

Status<std::string> WebService::start() {
  auto started = impl_->server.start();
  if (!started) return started;
  impl_->arm_housekeeping();
  return Ok{};
}

void WebService::stop() {
  impl_->housekeeping.cancel();
  impl_->presence_timer.cancel();
  impl_->hashing.stop();
  impl_->api.close_all();
  impl_->server.stop();
}

std::vector<std::string> WebService::endpoints() const { return impl_->server.endpoints(); }

}  // namespace parley::gateway
