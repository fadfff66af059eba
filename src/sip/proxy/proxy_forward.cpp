// Forking and the response context (RFC 3261 §16.5-§16.10): one client
// transaction per target, responses chosen and relayed upstream, CANCEL
// spread to the branches, ACK for 2xx and stray responses relayed statelessly.
#include "base/log.hpp"
#include "base/strings.hpp"
#include "sip/message/parser.hpp"
#include "sip/message/response_builder.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/transaction/transaction_messages.hpp"

namespace parley::sip {

namespace {

bool creates_dialog(Method m) {
  return m == Method::Invite || m == Method::Subscribe || m == Method::Refer;
}

Flow flow_to(const NextHop& hop) {
  Flow f;
  f.id = hop.flow_id;
  f.transport = hop.transport;
  f.reliable = !iequals(hop.transport, "UDP");
  f.host = hop.host;
  f.port = hop.port;
  return f;
}

}  // namespace

void Proxy::fork(TransactionId txn, Message req, const Flow& from, std::vector<Endpoint> targets,
                 std::string loop, TimePoint now) {
  ++stats_.forks;
  ForkId id{next_fork_++};
  Fork& f = forks_[id];
  f.server = txn;
  f.method = req.method;
  f.request = std::move(req);
  f.loop_hash = std::move(loop);
  f.inbound = from;
  fork_by_server_[txn] = id;
  if (f.method == Method::Invite) {
    // §16.2: a stateful proxy sends 100 Trying for INVITE at once, so the
    // caller stops retransmitting while the branches ring.
    std::vector<Action> out;
    txn_.send_trying(txn, now, out);
    run(out, now);
    f.timer_c = now + config_.timer_c;
    timer_c_.emplace(f.timer_c, id);
  }
  for (const auto& target : targets) {
    auto it = forks_.find(id);
    if (it == forks_.end()) return;
    if (!start_branch(it->second, id, target, now)) it->second.selector.add_synthetic(480);
  }
  auto it = forks_.find(id);
  if (it != forks_.end()) finish_branch(id, it->second, now);
}

bool Proxy::start_branch(Fork& f, ForkId id, const Endpoint& target, TimePoint now) {
  std::optional<NextHop> hop;
  if (!target.next_hop.host.empty()) {
    hop = target.next_hop;
  } else {
    hop = routing_.next_hop(target.uri);
  }
  if (!hop) return false;
  Message m = f.request;
  m.request_uri = target.uri;
  // §16.6 step 3.
  m.max_forwards = m.max_forwards ? *m.max_forwards - 1 : config_.default_max_forwards;
  // §16.6 step 4; two entries when the two sides use different transports
  // (RFC 5658), the one facing the callee on top.
  if (creates_dialog(m.method)) {
    m.record_routes.insert(m.record_routes.begin(), routing_.record_route(f.inbound.transport));
    if (!iequals(hop->transport, f.inbound.transport)) {
      m.record_routes.insert(m.record_routes.begin(), routing_.record_route(hop->transport));
    }
    // A callee reached somewhere else than its Contact says (NAT, its own
    // connection) must be reached the same way in the dialog.
    auto contact_hop = routing_.next_hop(target.uri);
    if (hop->flow_id != 0 || !contact_hop || contact_hop->host != hop->host ||
        contact_hop->port != hop->port) {
      set_flow_token(m.record_routes.front(), *hop);
    }
  }
  // RFC 3327: the registered Path becomes the route to the contact.
  for (auto p = target.path.rbegin(); p != target.path.rend(); ++p) {
    if (auto route = parse_name_addr(*p)) m.routes.insert(m.routes.begin(), std::move(*route));
  }
  // §16.6 step 8.
  Via via = routing_.own_via(hop->transport, generate_branch() + f.loop_hash);
  via.params.set_flag("rport");
  m.vias.insert(m.vias.begin(), std::move(via));

  Flow flow = flow_to(*hop);
  std::vector<Action> out;
  auto started = txn_.send_request(std::move(m), flow, now, out);
  if (!started) return false;
  ++stats_.branches;
  Branch b;
  b.txn = *started;
  b.flow = flow;
  f.branches.push_back(b);
  fork_by_client_[*started] = id;
  run(out, now);
  return true;
}

Fork* Proxy::fork_of_client(TransactionId client, ForkId* id) {
  auto it = fork_by_client_.find(client);
  if (it == fork_by_client_.end()) return nullptr;
  auto f = forks_.find(it->second);
  if (f == forks_.end()) return nullptr;
  if (id) *id = it->second;
  return &f->second;
}

void Proxy::on_branch_response(TransactionId client, Message response, TimePoint now) {
  ForkId id;
  Fork* f = fork_of_client(client, &id);
  if (!f) {
    // Responses to our CANCELs end here; late INVITE 2xx go upstream (§16.7 step 5).
    if (response.cseq.method == Method::Invite && response.status_code / 100 == 2) {
      forward_response_stateless(std::move(response));
    }
    return;
  }
  Branch* b = f->branch(client);
  if (!b) return;
  int code = response.status_code;
  if (!response.vias.empty()) response.vias.erase(response.vias.begin());  // ours (§16.7 step 3)
  if (response.vias.empty()) return;
  std::vector<Action> out;
  if (code < 200) {
    if (code == 100) return;  // §16.7 step 5: 100 is hop-by-hop
    b->state = Branch::State::Proceeding;
    if (f->method == Method::Invite && !f->final_sent) restart_timer_c(id, *f, now);
    if (b->cancel_pending && !b->cancel_sent) send_cancel(*b, now);
    if (!f->final_sent) txn_.send_response(f->server, std::move(response), now, out);
    run(out, now);
    return;
  }
  b->state = Branch::State::Done;
  if (code < 300) {
    if (!f->final_sent) {
      f->final_sent = true;
      if (f->method == Method::Invite) deps_.observer.on_call_answered(f->request);
      if (!txn_.send_response(f->server, Message(response), now, out)) {
        forward_response_stateless(std::move(response));
      }
      run(out, now);
      // §16.7 step 10: the first 2xx to an INVITE cancels the other branches.
      if (auto* again = fork_of_client(client)) {
        if (again->method == Method::Invite) cancel_branches(*again, now);
      }
    } else if (f->method == Method::Invite) {
      forward_response_stateless(std::move(response));
    }
  } else {
    f->selector.add(response);
    if (code >= 600 && f->method == Method::Invite) cancel_branches(*f, now);
  }
  if (auto* again = fork_of_client(client)) finish_branch(id, *again, now);
}

void Proxy::restart_timer_c(ForkId id, Fork& f, TimePoint now) {
  // RFC 3261 §16.7 step 2: a provisional other than 100 MUST reset Timer C.
  // One timer per fork: any ringing branch keeps the call alive.
  auto [first, last] = timer_c_.equal_range(f.timer_c);
  for (auto it = first; it != last; ++it) {
    if (it->second == id) {
      timer_c_.erase(it);
      break;
    }
  }
  f.timer_c = now + config_.timer_c;
  timer_c_.emplace(f.timer_c, id);
}

void Proxy::on_branch_failure(TransactionId client, int status, TimePoint now) {
  ForkId id;
  Fork* f = fork_of_client(client, &id);
  if (!f) return;
  Branch* b = f->branch(client);
  if (!b || b->state == Branch::State::Done) return;
  b->state = Branch::State::Done;
  f->selector.add_synthetic(status);
  finish_branch(id, *f, now);
}

void Proxy::finish_branch(ForkId id, Fork& f, TimePoint now) {
  if (!f.all_done()) return;
  if (!f.final_sent) {
    f.final_sent = true;
    std::vector<Action> out;
    if (auto best = f.selector.take_best()) {
      txn_.send_response(f.server, std::move(*best), now, out);
      run(out, now);
    } else if (f.selector.has_response()) {
      respond(f.server, f.request, f.selector.synthetic_status(), now);
    } else {
      respond(f.server, f.request, 480, now);
    }
  }
  erase_fork(id);
}

void Proxy::erase_fork(ForkId id) {
  auto it = forks_.find(id);
  if (it == forks_.end()) return;
  for (const auto& b : it->second.branches) fork_by_client_.erase(b.txn);
  auto s = fork_by_server_.find(it->second.server);
  if (s != fork_by_server_.end() && s->second == id) fork_by_server_.erase(s);
  forks_.erase(it);
}

void Proxy::cancel_branches(Fork& f, TimePoint now) {
  f.cancelled = true;
  for (auto& b : f.branches) {
    if (b.state == Branch::State::Proceeding && !b.cancel_sent) {
      send_cancel(b, now);
    } else if (b.state == Branch::State::Trying) {
      b.cancel_pending = true;  // RFC 3261 §9.1: wait for a provisional first
    }
  }
}

void Proxy::send_cancel(Branch& b, TimePoint now) {
  const Message* request = txn_.client_request(b.txn);
  if (!request || request->method != Method::Invite) return;
  b.cancel_sent = true;
  b.cancelled_at = now;
  // Wake up when the branch is to be given up (give_up_cancelled).
  if (auto id = fork_by_client_.find(b.txn); id != fork_by_client_.end()) {
    timer_c_.emplace(now + txn_.config().timer_64t1(), id->second);
  }
  Message cancel = build_cancel(*request);
  Flow flow = b.flow;
  std::vector<Action> out;
  (void)txn_.send_request(std::move(cancel), flow, now, out);
  run(out, now);
}

void Proxy::on_cancel(Action& a, TimePoint now) {
  // RFC 3261 §16.10: answer the CANCEL ourselves, then cancel every branch;
  // the 487s the branches send back become the INVITE's final response.
  auto it = a.related.valid() ? fork_by_server_.find(a.related) : fork_by_server_.end();
  if (!a.related.valid()) return respond(a.txn, a.message, 481, now);
  respond(a.txn, a.message, 200, now);
  if (it == fork_by_server_.end()) return;
  auto f = forks_.find(it->second);
  if (f != forks_.end() && !f->second.final_sent) cancel_branches(f->second, now);
}

void Proxy::forward_stateless(Message message, const Flow& from) {
  PoppedRoutes popped = pop_own_routes(message, routing_);
  // Like any in-dialog request, an ACK travels only along our Record-Route.
  if (!popped.any && !(config_.is_trusted && config_.is_trusted(from.host))) return;
  const Uri& next = message.routes.empty() ? message.request_uri : message.routes.front().uri;
  auto hop = routing_.next_hop(next);
  if (message.routes.empty() && popped.flow &&
      !came_over(*popped.flow, from.transport, from.host, from.port, from.id)) {
    hop = popped.flow;
  }
  if (!hop || routing_.is_self(message.request_uri)) return;
  if (message.max_forwards) {
    if (*message.max_forwards == 0) return;
    --*message.max_forwards;
  }
  message.vias.insert(message.vias.begin(), routing_.own_via(hop->transport, generate_branch()));
  ++stats_.stateless_forwards;
  deps_.sender.send(message, flow_to(*hop), TransactionId{});
}

void Proxy::forward_response_stateless(Message response) {
  // §16.7 step 3 / §18.2.2: drop our Via, send to the next one's received/rport.
  if (response.vias.empty()) return;
  const Via& top = response.vias.front();
  const LocalAddress* self = routing_.local_address(top.transport);
  if (self && top.port == self->port && iequals(top.host, self->host)) {
    response.vias.erase(response.vias.begin());
  }
  if (response.vias.empty()) return;
  const Via& next = response.vias.front();
  NextHop hop;
  hop.transport = next.transport;
  hop.host = std::string(next.params.get("received").value_or(std::string_view(next.host)));
  if (!hop.host.empty() && hop.host.front() == '[') hop.host = hop.host.substr(1, hop.host.size() - 2);
  auto rport = next.params.get("rport");
  auto port = rport ? parse_uint(*rport, 65535) : std::nullopt;
  hop.port = port ? static_cast<std::uint16_t>(*port) : (next.port ? next.port : 5060);
  ++stats_.stateless_forwards;
  deps_.sender.send(response, flow_to(hop), TransactionId{});
}

void Proxy::on_terminated(TransactionId txn) {
  auto s = fork_by_server_.find(txn);
  if (s != fork_by_server_.end()) {
    auto f = forks_.find(s->second);
    // The server side is gone (final sent and absorbed, or Timer H); the
    // fork lives on only while branches still owe a final response.
    if (f != forks_.end() && f->second.all_done()) {
      erase_fork(s->second);
    } else {
      fork_by_server_.erase(s);
    }
  }
}

}  // namespace parley::sip
