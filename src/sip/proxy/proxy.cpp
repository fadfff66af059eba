#include "sip/proxy/proxy.hpp"

#include "base/log.hpp"
#include "base/strings.hpp"
#include "sip/message/response_builder.hpp"
#include "sip/message/validator.hpp"
#include "sip/transaction/transaction_messages.hpp"

namespace parley::sip {

namespace {

// Requests that create something at the far end and so must come from an
// identity we can vouch for (RFC 3261 §16.3, DESIGN.md: no open relay).
bool needs_sender_check(Method m) {
  switch (m) {
    case Method::Invite:
    case Method::Message:
    case Method::Subscribe:
    case Method::Publish:
    case Method::Refer:
      return true;
    default:
      return false;
  }
}

}  // namespace

Proxy::Proxy(ProxyConfig config, TransactionConfig txn_config, ProxyDeps deps)
    : config_(std::move(config)),
      deps_(deps),
      routing_(config_),
      txn_(txn_config),
      to_tag_(generate_branch().substr(kMagicCookie.size())),
      log_(log::get("sip.proxy")) {}

Proxy::~Proxy() = default;

void Proxy::on_message(Message&& message, const Flow& from, TimePoint now) {
  if (message.is_response() && validate_response(message)) return;  // RFC 4475 §3.1.2.19: drop
  if (answered_locally(message)) return on_local_request(message, from, now);
  std::vector<Action> out;
  txn_.on_message(std::move(message), from, now, out);
  run(out, now);
}

void Proxy::on_send_failed(TransactionId txn, TimePoint now) {
  std::vector<Action> out;
  txn_.on_transport_error(txn, now, out);
  run(out, now);
}

void Proxy::on_timer(TimePoint now) {
  std::vector<Action> out;
  txn_.advance(now, out);
  run(out, now);
  // RFC 3261 §16.6 step 11: Timer C cancels INVITE branches nobody answered.
  // The same table holds the give-up time of cancelled branches.
  while (!timer_c_.empty() && timer_c_.begin()->first <= now) {
    ForkId id = timer_c_.begin()->second;
    timer_c_.erase(timer_c_.begin());
    give_up_cancelled(id, now);
    auto it = forks_.find(id);
    if (it != forks_.end() && !it->second.final_sent && it->second.timer_c <= now) {
      log_->info("event=timer-c call_id={}", it->second.request.call_id);
      cancel_branches(it->second, now);
    }
  }
}

void Proxy::give_up_cancelled(ForkId id, TimePoint now) {
  // RFC 3261 §9.1: no final response 64*T1 after our CANCEL: the branch is
  // destroyed (counted as 408), or a callee that never sends 487 would keep
  // the fork and its client transaction forever.
  auto it = forks_.find(id);
  if (it == forks_.end()) return;
  std::vector<TransactionId> stale;
  for (const auto& b : it->second.branches) {
    if (b.cancel_sent && b.state != Branch::State::Done &&
        b.cancelled_at + txn_.config().timer_64t1() <= now) {
      stale.push_back(b.txn);
    }
  }
  for (auto txn : stale) {
    log_->info("event=cancelled-branch-abandoned call_id={}", it->second.request.call_id);
    on_branch_failure(txn, 408, now);  // may erase the fork
    std::vector<Action> out;
    txn_.abandon(txn, out);
    run(out, now);
    it = forks_.find(id);
    if (it == forks_.end()) return;
  }
}

std::optional<TimePoint> Proxy::next_deadline() const {
  auto d = txn_.next_deadline();
  if (!timer_c_.empty() && (!d || timer_c_.begin()->first < *d)) d = timer_c_.begin()->first;
  return d;
}

void Proxy::run(std::vector<Action>& actions, TimePoint now) {
  std::vector<TransactionId> failed;
  for (auto& a : actions) {
    switch (a.kind) {
      case ActionKind::Send: {
        const bool sent = a.wire.empty() ? deps_.sender.send(a.message, a.flow, a.txn)
                                         : deps_.sender.send_wire(a.wire, a.flow, a.txn);
        if (!sent && a.txn.valid()) failed.push_back(a.txn);
        break;
      }
      case ActionKind::NewRequest:
        on_new_request(a, now);
        break;
      case ActionKind::Response:
        if (on_originated(a.kind, a.txn, &a.message, now)) break;
        on_branch_response(a.txn, std::move(a.message), now);
        break;
      case ActionKind::Ack:
        forward_stateless(std::move(a.message), a.flow);
        break;
      case ActionKind::StrayResponse: {
        // RFC 3261 §18.1.2: a response whose top Via is not ours is discarded;
        // relaying it would reflect traffic at any address.
        const Via* top = a.message.vias.empty() ? nullptr : &a.message.vias.front();
        const LocalAddress* self = top ? routing_.local_address(top->transport) : nullptr;
        if (self && top->port == self->port && iequals(top->host, self->host)) {
          forward_response_stateless(std::move(a.message));
        }
        break;
      }
      case ActionKind::Timeout:
        if (on_originated(a.kind, a.txn, nullptr, now)) break;
        on_branch_failure(a.txn, 408, now);
        break;
      case ActionKind::TransportError:
        // §8.1.3.1 reads it as 503, but a 503 never goes upstream (§16.7
        // step 6): the device is registered yet unreachable now, so 480.
        if (on_originated(a.kind, a.txn, nullptr, now)) break;
        on_branch_failure(a.txn, 480, now);
        break;
      case ActionKind::Terminated:
        on_terminated(a.txn);
        break;
      case ActionKind::Refused:
        // RFC 3261 §21.5.4: overload is answered 503 statelessly.
        send_stateless_error(a.message, a.flow, a.refusal == Refusal::Overload ? 503 : 400);
        break;
    }
  }
  for (auto txn : failed) on_send_failed(txn, now);
}

void Proxy::send_stateless_error(const Message& request, const Flow& to, int status) {
  if (!request.is_request() || request.method == Method::Ack || request.vias.empty()) return;
  Message resp = make_response(request, status);
  deps_.sender.send(resp, to, TransactionId{});
}

bool Proxy::answered_locally(const Message& m) const {
  // What route_request would hand to on_register / on_local_options: no
  // Route (so no strict routing, no own Route to pop, no dialog of ours)
  // and our domain. A REGISTER or OPTIONS that is relayed keeps its
  // transaction. Without a top Via the transaction layer drops the request.
  if (!m.is_request() || m.vias.empty() || !m.routes.empty()) return false;
  if (m.method != Method::Register &&
      !(m.method == Method::Options && m.request_uri.user.empty())) {
    return false;
  }
  return routing_.is_local_domain(m.request_uri);
}

void Proxy::on_local_request(Message& req, const Flow& from, TimePoint now) {
  // A non-INVITE we answer with a final response at once needs no server
  // transaction (RFC 3261 §8.2.7: a UAS may answer statelessly): a
  // retransmission is answered again the same way, REGISTER included (the
  // registrar takes an equal CSeq as the same request; a challenge gets a
  // fresh nonce). Creating the transaction only to abandon it after the
  // final response cost a copy of the request, two index updates and a
  // serialization of the response nobody would retransmit.
  ++stats_.requests;
  stateless_to_ = &from;
  struct Reset {
    const Flow*& p;
    ~Reset() { p = nullptr; }
  } reset{stateless_to_};
  if (reject_bad_request(TransactionId{}, req, from, now)) return;
  if (req.method == Method::Register) return on_register(TransactionId{}, req, from, now);
  on_local_options(TransactionId{}, req, now);
}

void Proxy::on_new_request(Action& a, TimePoint now) {
  ++stats_.requests;
  if (a.message.method == Method::Cancel) {
    on_cancel(a, now);
    return;
  }
  if (reject_bad_request(a.txn, a.message, a.flow, now)) return;
  route_request(a.txn, std::move(a.message), a.flow, now);
}

bool Proxy::reject_bad_request(TransactionId txn, const Message& req, const Flow& from,
                               TimePoint now) {
  if (auto err = validate_request(req)) {
    respond(txn, req, err->status ? err->status : 400, now);
    return true;
  }
  // RFC 3261 §16.3 step 1 / RFC 4475 §3.3.2: schemes we cannot route.
  if (!req.request_uri.is_sip() && req.request_uri.scheme != "tel") {
    respond(txn, req, 416, now);
    return true;
  }
  // §16.3 step 3: Max-Forwards 0 is not forwarded; OPTIONS to us is answered.
  if (req.max_forwards && *req.max_forwards == 0) {
    if (req.method == Method::Options && routing_.is_local_domain(req.request_uri)) {
      on_local_options(txn, req, now);
    } else {
      respond(txn, req, 483, now);
    }
    return true;
  }
  // §16.3 step 4: a Via of ours whose branch carries this request's loop
  // hash means the request came back unchanged: a loop, not a spiral.
  const auto* self = routing_.local_address(from.transport);
  for (std::size_t i = 1; self && i < req.vias.size(); ++i) {
    const Via& v = req.vias[i];
    if (v.port == self->port && iequals(v.host, self->host) &&
        v.branch().find(loop_hash(req)) != std::string::npos) {
      respond(txn, req, 482, now);
      return true;
    }
  }
  // §16.3 step 5: we support no extension a proxy must understand.
  auto proxy_require = req.header_list("Proxy-Require");
  if (!proxy_require.empty()) {
    std::string unsupported;
    for (const auto& o : proxy_require) unsupported += (unsupported.empty() ? "" : ", ") + o;
    respond(txn, req, 420, now, {Header{"Unsupported", unsupported}});
    return true;
  }
  return false;
}

void Proxy::respond(TransactionId txn, const Message& req, int status, TimePoint now,
                    std::vector<Header> extra) {
  answer_locally(txn, make_response(req, status), now, std::move(extra));
}

void Proxy::respond(TransactionId txn, Message&& req, int status, TimePoint now,
                    std::vector<Header> extra) {
  answer_locally(txn, make_response(std::move(req), status), now, std::move(extra));
}

void Proxy::answer_locally(TransactionId txn, Message&& resp, TimePoint now,
                           std::vector<Header> extra) {
  ++stats_.local_responses;
  if (resp.status_code > 100 && resp.to.tag().empty()) resp.to.params.set("tag", to_tag_);
  resp.add_header("Server", config_.server_name);
  for (auto& h : extra) resp.headers.push_back(std::move(h));
  send_final(txn, std::move(resp), now);
}

void Proxy::send_final(TransactionId txn, Message&& resp, TimePoint now, bool keep_transaction) {
  if (!txn.valid()) {
    if (stateless_to_) deps_.sender.send(resp, *stateless_to_, TransactionId{});
    return;
  }
  const bool invite = resp.cseq.method == Method::Invite;
  const bool final = resp.status_code >= 200;
  std::vector<Action> out;
  txn_.send_response(txn, std::move(resp), now, out);
  // A final answer we make ourselves to a non-INVITE needs no transaction
  // kept for 32 s (RFC 3261 §8.2.7: a UAS may answer statelessly): a
  // retransmitted request is answered again the same way, REGISTER included
  // (the registrar takes an equal CSeq as the same request). INVITE keeps
  // its transaction: the final response is retransmitted until the ACK.
  // A service's answer is not idempotent (a room post stored twice): its
  // transaction stays to answer retransmissions (`keep_transaction`).
  if (final && !invite && !keep_transaction) txn_.abandon(txn, out);
  run(out, now);
}

void Proxy::route_request(TransactionId txn, Message&& req, const Flow& from, TimePoint now) {
  std::string loop = loop_hash(req);
  // RFC 3261 §16.4: a strict router before us put our URI in the
  // Request-URI; the real one is the last Route. Our Record-Route URI has no
  // user part; sip:alice@localhost with a loose Route to us (an outbound
  // proxy setting) names a user of our domain and must stay.
  bool strict_routed = false;
  if (routing_.is_self(req.request_uri) && req.request_uri.user.empty() && !req.routes.empty()) {
    req.request_uri = req.routes.back().uri;
    req.routes.pop_back();
    strict_routed = true;
  }
  // Our own Record-Route entries (two when we bridged transports, RFC 5658).
  PoppedRoutes popped = pop_own_routes(req, routing_);
  bool routed_by_us = popped.any || strict_routed;
  if (req.method == Method::Bye) deps_.observer.on_call_ended(req);
  if (popped.flow && came_over(*popped.flow, from.transport, from.host, from.port, from.id)) {
    popped.flow.reset();
  }
  // In a dialog we record-routed, the Request-URI is the remote target
  // (RFC 3261 §12.2.1.1), never a user to look up again.
  const bool in_dialog = routed_by_us && !req.to.tag().empty() && !routing_.is_self(req.request_uri);
  if (!req.routes.empty() || in_dialog || !routing_.is_local_domain(req.request_uri)) {
    // Leaving our domain, by a preloaded Route or by the Request-URI: a
    // relay, allowed only for our own users, trusted peers, or a dialog we
    // record-routed — never openly.
    if (!authorize_sender(txn, req, from, now, /*relay=*/true, routed_by_us)) return;
    const Uri& next = req.routes.empty() ? req.request_uri : req.routes.front().uri;
    auto hop = req.routes.empty() && popped.flow ? popped.flow : routing_.next_hop(next);
    if (!hop) return respond(txn, req, 404, now);
    Endpoint e;
    e.uri = req.request_uri;
    e.next_hop = *hop;
    return fork(txn, std::move(req), from, {std::move(e)}, std::move(loop), now);
  }
  if (req.method == Method::Register) return on_register(txn, req, from, now);
  if (req.request_uri.user.empty()) {
    if (req.method == Method::Options) return on_local_options(txn, req, now);
    // A request in a dialog Parley itself is a party to (a SUBSCRIBE
    // refresh to the Contact of our NOTIFYs) names us without a user.
    if (req.to.tag().empty() || !deps_.local) return respond(txn, req, 404, now);
    if (!authorize_sender(txn, req, from, now, /*relay=*/false, routed_by_us)) return;
    if (deps_.local->take(txn, req, from, now)) return;
    return respond(txn, req, 481, now);
  }
  if (!authorize_sender(txn, req, from, now, /*relay=*/false, routed_by_us)) return;
  if (deps_.local && deps_.local->take(txn, req, from, now)) return;
  // A To tag on a request that did not come along our Record-Route: no
  // dialog we are on. Forking it would reach devices never in that dialog,
  // and each silent one would hold a branch retransmitting for 32 s (SIPp
  // sends such a BYE for every call it aborts). RFC 3261 §12.2.2.
  if (!req.to.tag().empty() && !routed_by_us) return respond(txn, req, 481, now);
  Location loc = deps_.locator.locate(req.request_uri);
  switch (loc.status) {
    case Location::Status::Found:
      return fork(txn, std::move(req), from, std::move(loc.endpoints), std::move(loop), now);
    case Location::Status::UnknownUser:
      return respond(txn, req, 404, now);
    case Location::Status::Unavailable:
      return respond(txn, req, 480, now);
    case Location::Status::NotLocal:
      break;
  }
  return respond(txn, req, 404, now);
}

bool Proxy::authorize_sender(TransactionId txn, const Message& req, const Flow& from,
                             TimePoint now, bool relay, bool routed_by_us) {
  // Out of our domain any method (OPTIONS, REGISTER, NOTIFY ...) would make
  // us an open relay. In a dialog we record-routed, the route set decides;
  // a To tag alone proves nothing.
  if (!relay && !needs_sender_check(req.method)) return true;
  if (!req.to.tag().empty() && routed_by_us) return true;
  if (config_.is_trusted && config_.is_trusted(from.host)) return true;
  std::vector<std::string> accounts;
  if (routing_.is_local_domain(req.from.uri)) {
    accounts = deps_.identities.accounts_for_sender(req.from.uri.user_unescaped());
  }
  // A request from the very address a device of this user registered from
  // needs no second proof.
  for (const auto& acc : accounts) {
    if (deps_.registrar.is_registered_source(acc, from.transport, from.host, from.port)) {
      return true;
    }
  }
  auto result = deps_.authenticator.verify(req, auth::ChallengeKind::Proxy, from.host, now,
                                           deps_.credentials);
  if (result.ok()) {
    for (const auto& acc : accounts) {
      if (acc == result.username) return true;
    }
    log_->warn("event=identity-mismatch account={} from_user={}", result.username,
               req.from.uri.user);
    respond(txn, req, 403, now);
    return false;
  }
  if (result.outcome != auth::AuthOutcome::Missing) {
    ++stats_.auth_failures;
    log_->info("event=auth-failed method={} user={} reason={}", req.method_text, result.username,
               result.reason);
  }
  challenge(txn, req, from, auth::ChallengeKind::Proxy,
            result.outcome == auth::AuthOutcome::Stale, now);
  return false;
}

void Proxy::challenge(TransactionId txn, const Message& req, const Flow& from,
                      auth::ChallengeKind kind, bool stale, TimePoint now) {
  auto [status, headers] = make_challenge(req, from, kind, stale, now);
  respond(txn, req, status, now, std::move(headers));
}

std::pair<int, std::vector<Header>> Proxy::make_challenge(const Message& req, const Flow& from,
                                                          auth::ChallengeKind kind, bool stale,
                                                          TimePoint now) {
  ++stats_.challenges;
  auto c = deps_.authenticator.challenge(kind, from.host, now, stale,
                                        req.header("User-Agent").value_or(""));
  std::vector<Header> headers;
  headers.reserve(c.values.size());
  for (auto& v : c.values) headers.push_back(Header{std::string(c.header_name), std::move(v)});
  return {c.status, std::move(headers)};
}

}  // namespace parley::sip
