#include "gateway/sip_service.hpp"

#include <unordered_map>
#include <variant>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "gateway/endpoint_locator.hpp"
#include "gateway/registration_codec.hpp"
#include "gateway/sip_layer_configs.hpp"
#include "gateway/user_directory.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/transport/transport_layer.hpp"

namespace parley::gateway {

namespace asio = boost::asio;
using sip::transport::Protocol;

namespace {

// Registration writes are batched: one store transaction per batch keeps
// thousands of REGISTERs a second from becoming thousands of commits.
constexpr std::size_t kFlushBatch = 2000;
constexpr auto kHousekeeping = std::chrono::milliseconds(200);
constexpr auto kDirectoryPoll = std::chrono::milliseconds(500);
// The proxy's deadlines are served on a 10 ms grid: SIP timers are on the
// scale of T1 (500 ms), and one wake-up then serves every deadline of its
// slot. Armed at each exact deadline, after an overload (~150,000 MESSAGE
// transactions, each with its own Timer E/J/K times) the core woke and
// re-armed a timerfd once per deadline: timerfd_settime was ~19% of the
// core thread's profile at 2,000 MESSAGE/s after the overload.
constexpr auto kTimerGrid = std::chrono::milliseconds(10);

struct RemoveRegistration {
  store::AccountId account;
  std::string contact;
};
using RegistrationWrite = std::variant<store::Registration, RemoveRegistration>;

}  // namespace

struct SipService::Impl final : sip::SipSender, sip::ProxyObserver, sip::LocalService {
  Impl(asio::io_context& core, SipServiceConfig c, StoreWorker& s)
      : io(core),
        config(std::move(c)),
        store(s),
        registrar(registrar_config(config)),
        authenticator(digest_config(config)),
        locator(directory, registrar),
        transport(core, transport_config(config)),
        proxy_timer(core),
        housekeeping(core) {}

  bool send(const sip::Message& message, const sip::Flow& flow, sip::TransactionId txn) override {
    if (flow.transport == kWebTransport) return web && web->deliver(message, flow);
    return sent_on(transport.send(message, target_of(flow)), flow, txn);
  }

  bool send_wire(std::string_view bytes, const sip::Flow& flow, sip::TransactionId txn) override {
    // A browser session takes parsed messages only.
    if (flow.transport == kWebTransport) return sip::SipSender::send_wire(bytes, flow, txn);
    return sent_on(transport.send_bytes(bytes, target_of(flow)), flow, txn);
  }

  // Runs `work` with its UDP sends leaving together at the end, even if it throws.
  template <typename Work>
  void batched(Work&& work) {
    struct Flush {
      sip::transport::TransportLayer& t;
      ~Flush() { t.end_send_batch(); }
    };
    transport.begin_send_batch();
    Flush flush{transport};
    work();
  }

  static sip::transport::Target target_of(const sip::Flow& flow) {
    sip::transport::Target t;
    t.protocol = sip::transport::protocol_from_string(flow.transport).value_or(Protocol::Udp);
    t.ip = flow.host;
    t.port = flow.port;
    t.flow = flow.id;
    return t;
  }

  bool sent_on(const Result<sip::transport::FlowId, std::string>& sent, const sip::Flow& flow,
               sip::TransactionId txn) {
    if (!sent) log->debug("event=send-failed to={}:{} error=\"{}\"", flow.host, flow.port, sent.error());
    // A connection still being set up may fail later; remember whose
    // message rides on it so the failure ends that transaction at once.
    if (sent && *sent != 0 && txn.valid() && transport.flow_pending(*sent)) {
      awaiting_connect[*sent].push_back(txn);
    }
    return sent.ok();
  }

  void on_send_failed(const sip::transport::SendFailure& f) {
    log->debug("event=flow-send-failed flow={} reason=\"{}\"", f.flow, f.reason);
    auto it = awaiting_connect.find(f.flow);
    if (it == awaiting_connect.end()) return;
    auto txns = std::move(it->second);
    awaiting_connect.erase(it);
    for (auto txn : txns) proxy->on_send_failed(txn, SteadyClock::now());
    rearm();
  }

  void on_binding_changes(std::vector<sip::registrar::BindingChange> changes) override {
    for (const auto& c : changes) count_flow(c);
    // Only additions and removals matter to presence and the offline queue.
    bool news = false;
    for (const auto& c : changes) news = news || c.kind != sip::registrar::BindingChange::Kind::Refreshed;
    if (news) tell_bindings(changes);
    for (auto& c : changes) pending.push_back(std::move(c));
    if (pending.size() >= kFlushBatch) flush();
  }

  void tell_bindings(const std::vector<sip::registrar::BindingChange>& changes) {
    if (events.empty()) return;
    std::vector<sip::registrar::BindingChange> news;
    for (const auto& c : changes) {
      if (c.kind != sip::registrar::BindingChange::Kind::Refreshed) news.push_back(c);
    }
    for (auto* e : events) e->on_bindings(news);
  }

  // ---- sip::ProxyObserver: calls ----
  void on_call_answered(const sip::Message& invite) override {
    for (auto* e : events) e->on_call(invite, true);
  }
  void on_call_ended(const sip::Message& bye) override {
    for (auto* e : events) e->on_call(bye, false);
  }

  // ---- sip::LocalService ----
  bool take(sip::TransactionId txn, const sip::Message& request, const sip::Flow& from,
            TimePoint) override {
    for (auto* e : events) {
      if (e->take(txn, request, from)) return true;
    }
    return false;
  }

  void on_originated_response(sip::TransactionId client, int status, const sip::Message* response,
                              TimePoint) override {
    auto it = originated.find(client);
    if (it == originated.end()) {
      if (originating && !originating_finished) {
        originating_finished = true;
        if (*originating) (*originating)(status, response);
      }
      return;
    }
    auto done = std::move(it->second);
    originated.erase(it);
    if (done) done(status, response);
  }

  bool is_registered(std::string_view name) const {
    const UserEntry* u = directory.user(name);
    if (!u) return false;
    TimePoint now = SteadyClock::now();
    for (const auto& account : u->accounts) {
      if (!registrar.contacts(account, now).empty()) return true;
    }
    return false;
  }

  void flush() {
    if (pending.empty()) return;
    TimePoint now = SteadyClock::now();
    std::int64_t wall = unix_now();
    std::vector<RegistrationWrite> writes;
    writes.reserve(pending.size());
    for (const auto& c : pending) {
      if (c.kind == sip::registrar::BindingChange::Kind::Removed) {
        if (const AccountEntry* a = directory.account(c.binding.aor)) {
          writes.emplace_back(RemoveRegistration{a->id, c.binding.uri.to_string()});
        }
      } else if (auto r = to_registration(c.binding, directory, now, wall)) {
        writes.emplace_back(std::move(*r));
      }
    }
    pending.clear();
    store.post([writes = std::move(writes), log = log](store::Store& s) {
      auto status = s.transaction([&]() -> store::StoreStatus {
        for (const auto& w : writes) {
          auto st = std::holds_alternative<store::Registration>(w)
                        ? s.registrations().save(std::get<store::Registration>(w))
                        : s.registrations().remove(std::get<RemoveRegistration>(w).account,
                                                   std::get<RemoveRegistration>(w).contact);
          // An account deleted meanwhile is not a reason to lose the batch.
          if (!st && st.error().code != store::StoreErrorCode::NotFound) return st;
        }
        return Ok{};
      });
      if (!status) log->error("event=registration-write-failed error=\"{}\"", status.error().message);
    });
  }

  void on_message(sip::Message&& message, const sip::transport::Source& source) {
    proxy->on_message(std::move(message), flow_of(source), SteadyClock::now());
    rearm();
  }

  // Connections that carry registrations stay open past the idle timeout.
  void count_flow(const sip::registrar::BindingChange& c) {
    std::uint64_t flow = c.binding.source.flow_id;
    if (flow == 0 || c.kind == sip::registrar::BindingChange::Kind::Refreshed) return;
    if (c.kind == sip::registrar::BindingChange::Kind::Added) {
      if (flow_bindings[flow]++ == 0) transport.set_flow_pinned(flow, true);
      return;
    }
    auto it = flow_bindings.find(flow);
    if (it != flow_bindings.end() && --it->second == 0) {
      flow_bindings.erase(it);
      transport.set_flow_pinned(flow, false);
    }
  }

  void expired(std::vector<sip::registrar::Binding> bindings) {
    std::vector<sip::registrar::BindingChange> gone;
    for (auto& b : bindings) {
      sip::registrar::BindingChange c{sip::registrar::BindingChange::Kind::Removed, std::move(b)};
      count_flow(c);
      if (!events.empty()) gone.push_back(c);
      pending.push_back(std::move(c));
    }
    if (!gone.empty()) tell_bindings(gone);
  }

  void on_flow_closed(sip::transport::FlowId flow) {
    awaiting_connect.erase(flow);
    flow_bindings.erase(flow);
    auto removed = registrar.remove_flow(flow);
    std::vector<sip::registrar::BindingChange> gone;
    for (auto& b : removed) {
      sip::registrar::BindingChange c{sip::registrar::BindingChange::Kind::Removed, std::move(b)};
      if (!events.empty()) gone.push_back(c);
      pending.push_back(std::move(c));
    }
    if (!gone.empty()) tell_bindings(gone);
    for (auto* e : events) e->on_flow_closed(flow);
  }

  // One Asio timer follows the earliest deadline of the proxy; re-armed only
  // when a new deadline comes before the armed one.
  void rearm() {
    auto d = proxy->next_deadline();
    if (!d) return;
    const TimePoint due = round_up_to_grid(*d, kTimerGrid);
    if (due >= armed) return;
    armed = due;
    proxy_timer.expires_at(due);
    proxy_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      armed = TimePoint::max();
      // After an overload one slot may hold thousands of retransmissions.
      batched([this] { proxy->on_timer(SteadyClock::now()); });
      rearm();
    });
  }

  void arm_housekeeping() {
    housekeeping.expires_after(kHousekeeping);
    housekeeping.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      expired(registrar.expire(SteadyClock::now()));
      flush();
      arm_housekeeping();
    });
  }

  asio::io_context& io;
  SipServiceConfig config;
  StoreWorker& store;
  UserDirectory directory;
  sip::registrar::Registrar registrar;
  sip::auth::DigestAuthenticator authenticator;
  EndpointLocator locator;
  sip::transport::TransportLayer transport;
  std::unique_ptr<sip::Proxy> proxy;
  asio::steady_timer proxy_timer;
  TimePoint armed = TimePoint::max();
  asio::steady_timer housekeeping;
  std::vector<sip::registrar::BindingChange> pending;
  std::unordered_map<std::uint64_t, std::size_t> flow_bindings;  // flow -> bindings over it
  // Transactions whose messages wait on a connection still being set up.
  std::unordered_map<std::uint64_t, std::vector<sip::TransactionId>> awaiting_connect;
  WebEndpoints* web = nullptr;
  std::vector<SipEvents*> events;
  std::unordered_map<sip::TransactionId, OriginateDone> originated;
  OriginateDone* originating = nullptr;  // during SipService::originate
  bool originating_finished = false;
  std::shared_ptr<spdlog::logger> log = log::get("gateway");
};

SipService::SipService(asio::io_context& core, SipServiceConfig config, StoreWorker& store)
    : impl_(std::make_unique<Impl>(core, std::move(config), store)) {}

SipService::~SipService() = default;

Status<std::string> SipService::start(const store::Directory& directory,
                                      const std::vector<store::Registration>& registrations) {
  Impl& s = *impl_;
  s.directory.replace(directory);
  TimePoint now = SteadyClock::now();
  std::int64_t wall = unix_now();
  std::size_t restored = 0;
  for (const auto& r : registrations) {
    auto b = to_binding(r, s.directory, now, wall);
    if (b && s.registrar.restore(std::move(*b), now)) ++restored;
  }
  s.store.post([wall](store::Store& st) { (void)st.registrations().delete_expired(wall); });
  s.log->info("event=registrations-restored count={} stored={}", restored, registrations.size());

  s.transport.set_callbacks(sip::transport::TransportCallbacks{
      [&s](sip::Message&& m, const sip::transport::Source& src) { s.on_message(std::move(m), src); },
      [&s](sip::transport::FlowId flow) { s.on_flow_closed(flow); },
      [&s](const sip::transport::SendFailure& f) { s.on_send_failed(f); }});
  auto started = s.transport.start();
  if (!started) return started;

  sip::ProxyConfig pc;
  pc.domain = s.config.domain;
  // The web user agent speaks for users it authenticated itself.
  pc.is_trusted = [trusted = s.config.is_trusted](std::string_view host) {
    return host == kWebHost || (trusted && trusted(host));
  };
  for (const auto& l : s.transport.listeners()) {
    std::string host = s.config.advertise.empty() ? l.ip : s.config.advertise;
    if (host == "0.0.0.0" || host == "::") {
      s.transport.close();
      return fail(std::string("sip.listen: ") + l.ip +
                  " reaches nobody in a Via or Record-Route header; set [sip] advertise");
    }
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    pc.addresses.push_back({std::string(sip::transport::to_string(l.protocol)), host, l.port});
  }
  s.proxy = std::make_unique<sip::Proxy>(
      std::move(pc), sip::TransactionConfig{},
      sip::ProxyDeps{s.registrar, s.authenticator, s.directory, s.locator, s.directory, s, s, &s});
  s.arm_housekeeping();
  s.store.watch_directory(kDirectoryPoll, [&s](store::Directory d) {
    asio::post(s.io, [&s, d = std::move(d)] { s.directory.replace(d); });
  });
  return Ok{};
}

void SipService::stop() {
  Impl& s = *impl_;
  s.proxy_timer.cancel();
  s.housekeeping.cancel();
  // What the transports did over the whole run: the first place to look
  // when a peer reports lost requests or answers.
  const auto& c = s.transport.counters();
  s.log->info(
      "event=sip-stopped datagrams_in={} datagrams_out={} stream_in={} stream_out={} "
      "parse_errors={} error_responses={} send_failures={} udp_send_drops={} "
      "connections_accepted={} connections_refused={}",
      c.datagrams_in, c.datagrams_out, c.stream_messages_in, c.stream_messages_out, c.parse_errors,
      c.error_responses, c.send_failures, c.udp_send_drops, c.connections_accepted,
      c.connections_refused);
  s.transport.close();
  for (auto& c : s.registrar.take_unreported_refreshes()) s.pending.push_back(std::move(c));
  s.flush();
}

void SipService::attach_web(WebEndpoints* web) {
  impl_->web = web;
  impl_->locator.set_web(web);
}

void SipService::inject(sip::Message message, sip::Flow flow) {
  asio::post(impl_->io, [&s = *impl_, m = std::move(message), f = std::move(flow)]() mutable {
    if (!s.proxy) return;
    s.proxy->on_message(std::move(m), f, SteadyClock::now());
    s.rearm();
  });
}

bool SipService::is_registered(std::string_view name) const { return impl_->is_registered(name); }

void SipService::attach(SipEvents* events) { impl_->events.push_back(events); }

void SipService::answer(sip::TransactionId txn, sip::Message response) {
  Impl& s = *impl_;
  if (!s.proxy) return;
  s.proxy->answer(txn, std::move(response), SteadyClock::now());
  s.rearm();
}

void SipService::answer(sip::TransactionId txn, const sip::Message& request, int status,
                        std::string_view reason, std::vector<sip::Header> extra) {
  Impl& s = *impl_;
  if (!s.proxy) return;
  s.proxy->answer(txn, request, status, reason, std::move(extra), SteadyClock::now());
  s.rearm();
}

void SipService::batch_sends(const std::function<void()>& work) { impl_->batched(work); }

void SipService::forward(sip::TransactionId txn, sip::Message request, const sip::Flow& from,
                         std::vector<sip::Endpoint> endpoints) {
  Impl& s = *impl_;
  if (!s.proxy) return;
  s.proxy->forward(txn, std::move(request), from, std::move(endpoints), SteadyClock::now());
  s.rearm();
}

bool SipService::originate(sip::Message request, const sip::NextHop& hop, OriginateDone done) {
  Impl& s = *impl_;
  if (!s.proxy) return false;
  // A send that fails at once reports the outcome before originate()
  // returns the transaction id: `done` is reachable through `originating`.
  s.originating = &done;
  s.originating_finished = false;
  auto txn = s.proxy->originate(std::move(request), hop, SteadyClock::now());
  s.originating = nullptr;
  if (!txn) return false;
  if (!s.originating_finished) s.originated.emplace(*txn, std::move(done));
  s.rearm();
  return true;
}

sip::Location SipService::locate(const sip::Uri& uri) const { return impl_->locator.locate(uri); }

std::vector<sip::Endpoint> SipService::account_endpoints(std::string_view account) const {
  std::vector<sip::Endpoint> out;
  for (const auto& b : impl_->registrar.contacts(account, SteadyClock::now())) {
    out.push_back(endpoint_of(b));
  }
  return out;
}

sip::Uri SipService::own_uri() const {
  sip::Uri u;
  u.scheme = "sip";
  const auto& listeners = impl_->transport.listeners();
  if (listeners.empty()) {
    u.host = impl_->config.domain;
    return u;
  }
  const auto& l = listeners.front();
  u.host = impl_->config.advertise.empty() ? l.ip : impl_->config.advertise;
  u.port = l.port;
  if (l.protocol != Protocol::Udp) {
    std::string t(sip::transport::to_string(l.protocol));
    for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    u.params.set("transport", t);
  }
  return u;
}

SipSnapshot SipService::snapshot() const {
  const Impl& s = *impl_;
  SipSnapshot out;
  if (s.proxy) {
    out.transactions = s.proxy->transactions().size();
    out.transaction_timers = s.proxy->transactions().timer_count();
    out.transaction_stats = s.proxy->transactions().stats();
    out.proxy_stats = s.proxy->stats();
  }
  out.bindings = s.registrar.binding_count();
  out.aors = s.registrar.aor_count();
  out.transport = s.transport.counters();
  return out;
}

const UserDirectory& SipService::directory() const { return impl_->directory; }

const std::string& SipService::domain() const { return impl_->config.domain; }

std::vector<std::string> SipService::listening() const {
  std::vector<std::string> out;
  for (const auto& l : impl_->transport.listeners()) {
    std::string t(sip::transport::to_string(l.protocol));
    for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back(t + ":" + l.ip + ":" + std::to_string(l.port));
  }
  return out;
}

}  // namespace parley::gateway
