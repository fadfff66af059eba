#include "scenario.hpp"

#include <utility>

#include "sip/message/parser.hpp"
#include "sip/transaction/transaction_messages.hpp"

namespace parley::sip::test {

Flow udp_flow(std::uint64_t id) {
  Flow f;
  f.id = id;
  f.reliable = false;
  f.host = "192.0.2.1";
  f.port = 5060;
  f.transport = "UDP";
  return f;
}

Flow tcp_flow(std::uint64_t id) {
  Flow f = udp_flow(id);
  f.reliable = true;
  f.transport = "TCP";
  return f;
}

Message sent_message(const Action& send) {
  if (send.wire.empty()) return send.message;
  auto parsed = parse_message(send.wire, Framing::Datagram);
  return parsed.ok() ? std::move(parsed).value() : Message{};
}

std::string_view method_name(Method m) {
  switch (m) {
    case Method::Invite: return "INVITE";
    case Method::Ack: return "ACK";
    case Method::Bye: return "BYE";
    case Method::Cancel: return "CANCEL";
    case Method::Register: return "REGISTER";
    case Method::Options: return "OPTIONS";
    case Method::Message: return "MESSAGE";
    case Method::Subscribe: return "SUBSCRIBE";
    case Method::Notify: return "NOTIFY";
    default: return "OTHER";
  }
}

Message make_request(Method method, std::string_view branch, std::string_view host,
                     std::uint16_t port, std::uint32_t cseq, std::string_view call_id) {
  Message m;
  m.kind = Message::Kind::Request;
  m.method = method;
  m.method_text = std::string(method_name(method));
  m.request_uri.scheme = "sip";
  m.request_uri.user = "bob";
  m.request_uri.host = "example.com";
  Via via;
  via.transport = "UDP";
  via.host = std::string(host);
  via.port = port;
  if (!branch.empty()) {  // empty: an RFC 2543 Via without branch
    via.params.all().push_back(Param{"branch", std::string(branch), true});
  }
  m.vias.push_back(via);
  m.from.uri.scheme = "sip";
  m.from.uri.user = "alice";
  m.from.uri.host = "example.org";
  m.from.params.all().push_back(Param{"tag", "fromtag1", true});
  m.to.uri.scheme = "sip";
  m.to.uri.user = "bob";
  m.to.uri.host = "example.com";
  m.call_id = std::string(call_id);
  m.cseq.number = cseq;
  m.cseq.method = method;
  m.cseq.method_text = m.method_text;
  m.max_forwards = 70;
  return m;
}

Message make_response(const Message& request, int status, std::string_view to_tag) {
  return build_response(request, status, status == 100 ? "Trying" : "Reason", to_tag);
}

Scenario::Scenario(TransactionConfig config)
    : layer_(std::move(config)), start_(TimePoint{} + std::chrono::hours(1)), now_(start_) {}

long Scenario::elapsed_ms() const {
  return static_cast<long>(std::chrono::duration_cast<Millis>(now_ - start_).count());
}

void Scenario::record(std::vector<Action>& out) {
  for (Action& a : out) {
    if (!trace_.empty()) trace_ += " | ";
    trace_ += std::to_string(elapsed_ms());
    trace_ += ':';
    trace_ += to_string(a.kind);
    const Message m = a.kind == ActionKind::Send ? sent_message(a) : Message{};
    const Message& shown = a.kind == ActionKind::Send ? m : a.message;
    switch (a.kind) {
      case ActionKind::Send:
      case ActionKind::NewRequest:
      case ActionKind::Response:
      case ActionKind::Ack:
      case ActionKind::StrayResponse:
        trace_ += ' ';
        trace_ += shown.is_request() ? std::string(method_name(shown.method))
                                     : std::to_string(shown.status_code);
        break;
      case ActionKind::Refused:
        trace_ += a.refusal == Refusal::Overload ? " overload" : " malformed";
        break;
      default:
        break;
    }
    pending_.push_back(std::move(a));
  }
  out.clear();
}

void Scenario::wire(Message m, const Flow& from) {
  layer_.on_message(std::move(m), from, now_, out_);
  record(out_);
}

TransactionId Scenario::tu_request(Message m, const Flow& to) {
  auto r = layer_.send_request(std::move(m), to, now_, out_);
  record(out_);
  return r.ok() ? r.value() : TransactionId{};
}

bool Scenario::tu_response(TransactionId server, Message m) {
  bool ok = layer_.send_response(server, std::move(m), now_, out_);
  record(out_);
  return ok;
}

void Scenario::transport_error(TransactionId txn) {
  layer_.on_transport_error(txn, now_, out_);
  record(out_);
}

void Scenario::advance(Millis d) {
  const TimePoint target = now_ + d;
  while (auto next = layer_.next_deadline()) {
    if (*next > target) break;
    if (*next > now_) now_ = *next;
    layer_.advance(now_, out_);
    record(out_);
  }
  now_ = target;
}

std::string Scenario::take() {
  std::string t = std::move(trace_);
  trace_.clear();
  pending_.clear();
  return t;
}

const Action* Scenario::last(ActionKind kind) const {
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
    if (it->kind == kind) return &*it;
  }
  return nullptr;
}

TransactionId Scenario::last_new() const {
  const Action* a = last(ActionKind::NewRequest);
  return a ? a->txn : TransactionId{};
}

}  // namespace parley::sip::test
