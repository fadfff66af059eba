#include "gateway/presence_service.hpp"

#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "presence/aggregator.hpp"
#include "presence/event_header.hpp"
#include "presence/publication_table.hpp"
#include "presence/subscription_table.hpp"
#include "sip/registrar/binding.hpp"

namespace parley::gateway {

namespace asio = boost::asio;

namespace {

constexpr auto kHousekeeping = std::chrono::seconds(1);

std::string binding_identity(std::string_view aor, std::string_view key) {
  std::string s = "sip:";
  s.append(aor).append("|").append(key);
  return s;
}

sip::NextHop hop_of(const presence::Flow& f) {
  sip::NextHop h;
  h.transport = f.transport;
  h.host = f.ip;
  h.port = f.port;
  h.flow_id = f.flow_id;
  return h;
}

}  // namespace

std::string api_status_name(presence::Status status) {
  std::string s(presence::to_string(status));
  for (auto& c : s) {
    if (c == '-') c = '_';
  }
  return s;
}

struct PresenceService::Impl final : presence::PresenceDirectory {
  Impl(asio::io_context& core, SipService& s, const RoomCache& r)
      : sip(s), rooms(r), timer(core) {}

  // ---- who is who ----
  const UserEntry* resolve(std::string_view name) const {
    const auto& d = sip.directory();
    if (const UserEntry* u = d.user(name)) return u;
    if (const AccountEntry* a = d.account(name)) return d.user(a->user);
    return nullptr;
  }

  // presence::PresenceDirectory
  bool user_exists(std::string_view user) const override { return resolve(user) != nullptr; }
  bool may_watch(std::string_view watcher, std::string_view presentity) const override {
    const UserEntry* w = resolve(watcher);
    const UserEntry* p = resolve(presentity);
    return w && p && rooms.may_watch(w->id, p->id);
  }
  presence::PresenceState state_of(std::string_view user) const override {
    const UserEntry* u = resolve(user);
    return u ? aggregator.state_of(u->name) : presence::PresenceState{};
  }

  // ---- changes out ----
  void changed(const std::string& user, const presence::Aggregator::Changed& state) {
    if (!state) return;
    log->debug("event=presence user={} status={}", user, presence::to_string(state->status));
    if (on_change) on_change(user, *state);
    if (!subs) return;
    TimePoint now = SteadyClock::now();
    // Watchers may have subscribed to the user's name or to one of its accounts.
    for_each_name(user, [&](const std::string& name) {
      for (auto& n : subs->on_presence_changed(name, now)) send_notify(std::move(n));
    });
  }

  template <typename F>
  void for_each_name(const std::string& user, F&& f) {
    f(user);
    if (const UserEntry* u = sip.directory().user(user)) {
      for (const auto& a : u->accounts) {
        if (a != user) f(a);
      }
    }
  }

  void send_notify(presence::OutgoingNotify n) {
    ++notifies;
    auto id = n.id;
    bool started = sip.originate(std::move(n.request), hop_of(n.flow),
                                 [this, id](int status, const sip::Message*) {
                                   if (!subs) return;
                                   if (auto next = subs->on_notify_response(id, status, SteadyClock::now())) {
                                     send_notify(std::move(*next));
                                   }
                                 });
    if (!started && subs) subs->on_notify_response(id, 503, SteadyClock::now());
  }

  // ---- requests in ----
  bool take_subscribe(sip::TransactionId txn, const sip::Message& req, const sip::Flow& from) {
    auto event = presence::parse_event(req);
    if (!event || event->package != presence::kPresenceEvent || !subs) return false;
    bool in_dialog = !req.to.tag().empty();
    if (!in_dialog && !resolve(req.request_uri.user_unescaped())) return false;
    std::string watcher = req.from.uri.user_unescaped();
    presence::SubscribeContext ctx{watcher, presence::Flow{from.transport, from.host, from.port, from.id}};
    auto result = subs->handle_subscribe(req, ctx, SteadyClock::now());
    log->info("event=subscribe watcher={} presentity={} status={}", watcher,
              req.request_uri.user_unescaped(), result.response.status_code);
    sip.answer(txn, std::move(result.response));
    if (result.notify) send_notify(std::move(*result.notify));
    return true;
  }

  bool take_publish(sip::TransactionId txn, const sip::Message& req, const sip::Flow& from) {
    const UserEntry* user = resolve(req.request_uri.user_unescaped());
    if (!user) return false;
    const UserEntry* sender = resolve(req.from.uri.user_unescaped());
    // RFC 3903 §6 step 3: only the user's own devices publish for it.
    if (!sender || sender->id != user->id) {
      log->info("event=publish-refused presentity={} from={}", user->name, req.from.uri.user);
      sip.answer(txn, req, 403, "Only the user's own devices may publish its presence");
      return true;
    }
    (void)from;
    auto result = publications.handle_publish(req, user->name, SteadyClock::now());
    log->info("event=publish user={} status={}", user->name, result.response.status_code);
    sip.answer(txn, std::move(result.response));
    if (result.change) apply(*result.change);
    return true;
  }

  void apply(const presence::PublicationChange& c) {
    changed(c.user, c.state ? aggregator.set_published(c.user, c.device, *c.state)
                            : aggregator.remove_published(c.user, c.device));
  }

  bool take_invite(sip::TransactionId txn, const sip::Message& req) {
    if (!req.to.tag().empty()) return false;
    const UserEntry* callee = resolve(req.request_uri.user_unescaped());
    if (!callee || aggregator.state_of(callee->name).status != presence::Status::Dnd) return false;
    const UserEntry* caller = resolve(req.from.uri.user_unescaped());
    if (caller && caller->id == callee->id) return false;  // calling one's own devices
    log->info("event=call-refused-dnd callee={}", callee->name);
    sip.answer(txn, req, 486, "Do Not Disturb",
               {sip::Header{"Reason", "SIP;cause=486;text=\"Do not disturb\""}});
    return true;
  }

  void housekeeping() {
    TimePoint now = SteadyClock::now();
    for (const auto& c : publications.expire(now)) apply(c);
    if (subs) {
      for (auto& n : subs->expire(now)) send_notify(std::move(n));
    }
  }

  void arm() {
    timer.expires_after(kHousekeeping);
    timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      housekeeping();
      arm();
    });
  }

  SipService& sip;
  const RoomCache& rooms;
  presence::Aggregator aggregator;
  presence::PublicationTable publications;
  std::unique_ptr<presence::SubscriptionTable> subs;
  asio::steady_timer timer;
  std::function<void(const std::string&, const presence::PresenceState&)> on_change;
  std::unordered_map<std::string, std::vector<std::string>> calls;  // Call-ID -> users in it
  std::uint64_t notifies = 0;
  std::shared_ptr<spdlog::logger> log = log::get("presence");
};

PresenceService::PresenceService(asio::io_context& core, SipService& sip, const RoomCache& rooms)
    : impl_(std::make_unique<Impl>(core, sip, rooms)) {}

PresenceService::~PresenceService() = default;

void PresenceService::start() {
  Impl& s = *impl_;
  presence::SubscriptionConfig c;
  c.domain = s.sip.domain();
  c.contact.uri = s.sip.own_uri();
  s.subs = std::make_unique<presence::SubscriptionTable>(std::move(c), s);
  // Registrations restored from the store are online from the start.
  for (const UserEntry* u : s.sip.directory().users_by_name()) {
    for (const auto& account : u->accounts) {
      for (const auto& e : s.sip.account_endpoints(account)) {
        s.aggregator.set_identity_online(u->name, binding_identity(account, sip::registrar::contact_key(e.uri)), true);
      }
    }
  }
  s.arm();
}

void PresenceService::stop() { impl_->timer.cancel(); }

void PresenceService::set_web_online(std::uint64_t session, std::string_view user, bool online) {
  impl_->changed(std::string(user), impl_->aggregator.set_identity_online(
                                        user, "web:" + std::to_string(session), online));
}

bool PresenceService::set_manual(std::string_view user, std::string_view status,
                                 std::string_view note) {
  auto manual = presence::manual_status_from_string(status);
  if (!manual) return false;
  impl_->changed(std::string(user), impl_->aggregator.set_manual(user, *manual, note));
  return true;
}

presence::PresenceState PresenceService::state_of(std::string_view user) const {
  return impl_->aggregator.state_of(user);
}

bool PresenceService::is_dnd(std::string_view user) const {
  return impl_->aggregator.state_of(user).status == presence::Status::Dnd;
}

void PresenceService::recheck(std::string_view user) {
  Impl& s = *impl_;
  if (!s.subs) return;
  TimePoint now = SteadyClock::now();
  s.for_each_name(std::string(user), [&](const std::string& name) {
    for (auto& n : s.subs->recheck(name, now)) s.send_notify(std::move(n));
  });
}

void PresenceService::set_on_change(
    std::function<void(const std::string&, const presence::PresenceState&)> f) {
  impl_->on_change = std::move(f);
}

bool PresenceService::take(sip::TransactionId txn, const sip::Message& request,
                           const sip::Flow& from) {
  switch (request.method) {
    case sip::Method::Subscribe:
      return impl_->take_subscribe(txn, request, from);
    case sip::Method::Publish:
      return impl_->take_publish(txn, request, from);
    case sip::Method::Invite:
      return impl_->take_invite(txn, request);
    default:
      return false;
  }
}

void PresenceService::on_bindings(const std::vector<sip::registrar::BindingChange>& changes) {
  Impl& s = *impl_;
  for (const auto& c : changes) {
    const AccountEntry* a = s.sip.directory().account(c.binding.aor);
    const UserEntry* u = a ? s.sip.directory().user(a->user) : nullptr;
    if (!u) continue;
    bool online = c.kind != sip::registrar::BindingChange::Kind::Removed;
    s.changed(u->name, s.aggregator.set_identity_online(
                           u->name, binding_identity(c.binding.aor, c.binding.key), online));
  }
}

void PresenceService::on_flow_closed(std::uint64_t flow) {
  if (impl_->subs) impl_->subs->remove_flow(flow);
}

void PresenceService::on_call(const sip::Message& request, bool answered) {
  Impl& s = *impl_;
  if (!answered) {
    auto it = s.calls.find(request.call_id);
    if (it == s.calls.end()) return;
    auto users = std::move(it->second);
    s.calls.erase(it);
    for (const auto& u : users) s.changed(u, s.aggregator.set_in_call(u, request.call_id, false));
    return;
  }
  std::vector<std::string> users;
  for (const sip::Uri* uri : {&request.from.uri, &request.to.uri}) {
    const UserEntry* u = s.resolve(uri->user_unescaped());
    if (u && std::find(users.begin(), users.end(), u->name) == users.end()) users.push_back(u->name);
  }
  if (users.empty()) return;
  for (const auto& u : users) s.changed(u, s.aggregator.set_in_call(u, request.call_id, true));
  s.calls[request.call_id] = std::move(users);
}

std::size_t PresenceService::subscriptions() const { return impl_->subs ? impl_->subs->size() : 0; }
std::uint64_t PresenceService::notifies_sent() const { return impl_->notifies; }

}  // namespace parley::gateway
