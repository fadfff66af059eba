// The proxy's side of the LocalService: answering or forking requests the
// service took, and client transactions for requests Parley sends itself.
#include "base/strings.hpp"
#include "sip/message/response_builder.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/transaction/transaction_messages.hpp"

namespace parley::sip {

void Proxy::answer(TransactionId txn, Message response, TimePoint now) {
  ++stats_.local_responses;
  if (response.status_code > 100 && response.to.tag().empty()) response.to.params.set("tag", to_tag_);
  if (!response.header("Server")) response.add_header("Server", config_.server_name);
  send_final(txn, std::move(response), now, /*keep_transaction=*/true);
}

void Proxy::answer(TransactionId txn, const Message& request, int status, std::string_view reason,
                   std::vector<Header> extra, TimePoint now) {
  Message resp = make_response(request, status, reason);
  for (auto& h : extra) resp.headers.push_back(std::move(h));
  answer(txn, std::move(resp), now);
}

void Proxy::forward(TransactionId txn, Message request, const Flow& from,
                    std::vector<Endpoint> targets, TimePoint now) {
  if (targets.empty()) return respond(txn, request, 480, now);
  std::string loop = loop_hash(request);
  fork(txn, std::move(request), from, std::move(targets), std::move(loop), now);
}

std::optional<TransactionId> Proxy::originate(Message request, const NextHop& hop, TimePoint now) {
  if (!request.max_forwards) request.max_forwards = config_.default_max_forwards;
  Via via = routing_.own_via(hop.transport, generate_branch());
  via.params.set_flag("rport");
  request.vias.insert(request.vias.begin(), std::move(via));
  Flow flow;
  flow.id = hop.flow_id;
  flow.transport = hop.transport;
  flow.reliable = !iequals(hop.transport, "UDP");
  flow.host = hop.host;
  flow.port = hop.port;
  std::vector<Action> out;
  auto started = txn_.send_request(std::move(request), flow, now, out);
  if (!started) return std::nullopt;
  originated_.insert(*started);
  run(out, now);
  return *started;
}

bool Proxy::on_originated(ActionKind kind, TransactionId client, const Message* response,
                          TimePoint now) {
  auto it = originated_.find(client);
  if (it == originated_.end()) return false;
  int status = kind == ActionKind::Timeout ? 408 : 503;
  if (kind == ActionKind::Response) {
    if (!response || response->status_code < 200) return true;  // provisional: wait on
    status = response->status_code;
  }
  originated_.erase(it);
  if (deps_.local) deps_.local->on_originated_response(client, status, response, now);
  return true;
}

}  // namespace parley::sip
