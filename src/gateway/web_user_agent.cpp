#include "gateway/web_user_agent.hpp"

#include <algorithm>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "sip/message/parser.hpp"
#include "sip/message/response_builder.hpp"
#include "sip/transaction/transaction_messages.hpp"
#include "web/api_codec.hpp"

namespace parley::gateway {

namespace {

constexpr std::uint32_t kMaxForwards = 70;

// sip::generate_branch() is unique per process; its tail serves as tag and Call-ID.
std::string unique_token() { return sip::generate_branch().substr(7); }

bool is_text(std::string_view content_type) {
  return content_type.empty() || istarts_with(content_type, "text/");
}

}  // namespace

WebUserAgent::WebUserAgent(std::string domain, const UserDirectory& directory,
                           WebUserAgentPorts ports)
    : domain_(std::move(domain)), directory_(directory), ports_(std::move(ports)) {}

void WebUserAgent::session_online(web::WebSessionId session, std::string user) {
  auto [it, added] = sessions_.emplace(session, user);
  if (added) by_user_[user].push_back(session);
}

std::string WebUserAgent::session_offline(web::WebSessionId session, TimePoint now) {
  auto it = sessions_.find(session);
  if (it == sessions_.end()) return {};
  std::string user = it->second;
  auto list = by_user_.find(it->second);
  if (list != by_user_.end()) {
    std::erase(list->second, session);
    if (list->second.empty()) by_user_.erase(list);
  }
  sessions_.erase(it);
  // Messages the browser never acknowledged are answered now, not at the timeout.
  for (auto& [id, in] : incoming_) {
    if (in.session == session) in.deadline = now;
  }
  on_timer(now);
  return user;
}

bool WebUserAgent::has_live_session(std::string_view user) const {
  return by_user_.find(user) != by_user_.end();
}

sip::Flow WebUserAgent::flow_of(web::WebSessionId session) const {
  sip::Flow f;
  f.id = session.value();
  f.reliable = true;  // in-process: nothing is lost, nothing retransmitted
  f.host = std::string(kWebHost);
  f.transport = std::string(kWebTransport);
  return f;
}

void WebUserAgent::add_endpoints(std::string_view user, std::vector<sip::Endpoint>& out) const {
  auto it = by_user_.find(user);
  if (it == by_user_.end()) return;
  for (auto session : it->second) {
    sip::Endpoint e;
    e.kind = sip::Endpoint::Kind::WebSession;
    e.uri.scheme = "sip";
    e.uri.user = std::string(user);
    e.uri.host = domain_;
    e.next_hop.transport = std::string(kWebTransport);
    e.next_hop.host = std::string(kWebHost);
    e.next_hop.flow_id = session.value();
    e.identity = "web:" + std::to_string(session.value());
    out.push_back(std::move(e));
  }
}

bool WebUserAgent::deliver(const sip::Message& message, const sip::Flow& flow) {
  if (message.is_response()) {
    on_response(message);
    return true;
  }
  if (!sessions_.contains(web::WebSessionId(flow.id))) return false;
  on_request(message, flow);
  return true;
}

void WebUserAgent::on_request(const sip::Message& request, const sip::Flow& flow) {
  switch (request.method) {
    case sip::Method::Message:
      on_incoming_message(request, flow);
      return;
    case sip::Method::Ack:
      return;  // hop-by-hop ACK of one of our non-2xx answers
    case sip::Method::Options:
      answer(request, flow, 200);
      return;
    case sip::Method::Invite:
      // Browser calls come with the media bridge; until then the phones of
      // the user ring and this branch declines at once.
      answer(request, flow, 480, "Calls to browsers are not supported yet");
      return;
    case sip::Method::Cancel:
    case sip::Method::Bye:
      answer(request, flow, 481);
      return;
    default:
      answer(request, flow, 405);
      return;
  }
}

void WebUserAgent::on_incoming_message(const sip::Message& request, const sip::Flow& flow) {
  if (!is_text(request.content_type)) {
    // RFC 3428 §7: an unsupported type gets 415; typing notifications
    // (RFC 3994) have no place in the timeline and are simply taken.
    if (istarts_with(request.content_type, "application/im-iscomposing+xml")) {
      answer(request, flow, 200);
    } else {
      answer(request, flow, 415);
    }
    return;
  }
  web::WebSessionId session(flow.id);
  if (auto p = pending_.find(session); p != pending_.end() && p->second.incoming >= kMaxUnacknowledged) {
    answer(request, flow, 480, "Browser is not keeping up");
    return;
  }
  std::string id = "m" + std::to_string(next_message_++);
  web::codec::MessageEvent event;
  event.id = id;
  event.outgoing = false;
  event.from = request.from.uri.to_string();
  event.from_user = user_of(request.from.uri);
  event.to = request.to.uri.to_string();
  event.to_user = sessions_.at(session);
  event.text = request.body;
  event.content_type = request.content_type.empty() ? "text/plain" : request.content_type;
  event.time_ms = ports_.wall_ms();
  if (!ports_.push_to_session(session, web::codec::encode_message(event))) {
    answer(request, flow, 480);
    return;
  }
  incoming_.emplace(std::move(id), Incoming{session, request, SteadyClock::now() + kAckTimeout});
  count(session, 1, 0);
}

void WebUserAgent::count(web::WebSessionId session, int incoming, int outgoing) {
  Pending& p = pending_[session];
  p.incoming = static_cast<std::uint32_t>(static_cast<int>(p.incoming) + incoming);
  p.outgoing = static_cast<std::uint32_t>(static_cast<int>(p.outgoing) + outgoing);
  if (p.incoming == 0 && p.outgoing == 0) pending_.erase(session);
}

void WebUserAgent::ack_message(web::WebSessionId session, std::string_view server_id) {
  auto it = incoming_.find(std::string(server_id));
  if (it == incoming_.end() || it->second.session != session) return;  // late or foreign ack
  ++stats_.delivered_to_browser;
  answer(it->second.request, flow_of(session), 200);
  incoming_.erase(it);
  count(session, -1, 0);
}

void WebUserAgent::answer(const sip::Message& request, const sip::Flow& flow, int status,
                          std::string_view reason) {
  sip::Message response = sip::make_response(request, status, reason);
  if (response.to.tag().empty()) response.to.params.set("tag", unique_token());
  ports_.inject(std::move(response), flow);
}

std::string WebUserAgent::user_of(const sip::Uri& uri) const {
  if (!uri.is_sip() || !iequals(uri.host, domain_)) return {};
  std::string name = uri.user_unescaped();
  if (const AccountEntry* a = directory_.account(name)) {
    if (const UserEntry* u = directory_.user(a->user)) return u->name;
  }
  if (const UserEntry* u = directory_.user(name)) return u->name;
  return {};
}

void WebUserAgent::send_message(web::WebSessionId session, const web::OutgoingMessage& message,
                                TimePoint now) {
  auto s = sessions_.find(session);
  if (s == sessions_.end()) return;
  const std::string& user = s->second;
  if (seen_before(session, message.id)) return;
  auto fail = [&](int code, std::string_view reason) { report(session, message.id, code, reason); };
  if (auto p = pending_.find(session); p != pending_.end() && p->second.outgoing >= kMaxInFlight) {
    return fail(503, "Too many messages on their way; wait for their status");
  }
  sip::Uri target;
  if (message.to.find(':') != std::string::npos) {
    auto parsed = sip::parse_uri(message.to);
    if (!parsed || (!parsed->is_sip() && parsed->scheme != "tel")) {
      return fail(400, "Not a SIP or tel URI");
    }
    target = std::move(*parsed);
  } else {
    auto parsed = sip::parse_uri("sip:" + message.to + "@" + domain_);
    if (!parsed || message.to.empty()) return fail(400, "Not a user name");
    target = std::move(*parsed);
  }

  sip::Message m;
  m.kind = sip::Message::Kind::Request;
  m.method = sip::Method::Message;
  m.method_text = "MESSAGE";
  m.request_uri = target;
  sip::Via via;
  via.transport = "WS";  // RFC 7118: what a browser's own SIP stack would say
  via.host = std::string(kWebHost);
  std::string branch = sip::generate_branch();
  via.params.set("branch", branch);
  m.vias.push_back(std::move(via));
  const UserEntry* entry = directory_.user(user);
  m.from.display_name = entry ? entry->display_name : std::string();
  m.from.uri.scheme = "sip";
  m.from.uri.user = user;
  m.from.uri.host = domain_;
  m.from.params.set("tag", unique_token());
  m.to.uri = target;
  m.call_id = unique_token() + "@" + domain_;
  m.cseq = sip::CSeq{1, sip::Method::Message, "MESSAGE"};
  m.max_forwards = kMaxForwards;
  m.content_type = "text/plain;charset=UTF-8";
  m.body = message.text;

  ++stats_.sent_from_browser;
  outgoing_.emplace(branch, Outgoing{session, message.id, now + kAnswerTimeout});
  count(session, 0, 1);
  // The user's other tabs show what was sent from this one; a room post
  // reaches them as the room's own message.
  if (message.to.front() != '~') push_copy(session, user, m, target, message.text);
  ports_.inject(std::move(m), flow_of(session));
}

void WebUserAgent::push_copy(web::WebSessionId session, const std::string& user,
                             const sip::Message& m, const sip::Uri& target, const std::string& text) {
  web::codec::MessageEvent copy;
  copy.id = "m" + std::to_string(next_message_++);
  copy.outgoing = true;
  copy.from = m.from.uri.to_string();
  copy.from_user = user;
  copy.to = target.to_string();
  copy.to_user = user_of(target);
  copy.text = text;
  copy.content_type = "text/plain";
  copy.time_ms = ports_.wall_ms();
  ports_.push_to_user(user, web::codec::encode_message(copy), session);
}

void WebUserAgent::on_response(const sip::Message& response) {
  if (response.status_code < 200 || response.vias.empty()) return;
  auto it = outgoing_.find(response.vias.front().branch());
  if (it == outgoing_.end()) return;
  report(it->second.session, it->second.client_id, response.status_code, response.reason);
  count(it->second.session, 0, -1);
  outgoing_.erase(it);
}

bool WebUserAgent::seen_before(web::WebSessionId session, const std::string& id) {
  SentIds& ids = sent_[session];
  auto it = ids.status.find(id);
  if (it != ids.status.end()) {
    if (!it->second.empty()) ports_.push_to_session(session, it->second);
    return true;
  }
  if (ids.order.size() >= kRememberedIds) {
    ids.status.erase(ids.order.front());
    ids.order.erase(ids.order.begin());
  }
  ids.status.emplace(id, std::string());
  ids.order.push_back(id);
  return false;
}

void WebUserAgent::report(web::WebSessionId session, const std::string& id, int code,
                          std::string_view reason) {
  std::string frame = web::codec::encode_message_status(id, code, reason);
  auto ids = sent_.find(session);
  if (ids != sent_.end()) {
    if (auto known = ids->second.status.find(id); known != ids->second.status.end()) {
      known->second = frame;
    }
  }
  ports_.push_to_session(session, frame);
}

void WebUserAgent::on_timer(TimePoint now) {
  for (auto it = incoming_.begin(); it != incoming_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    ++stats_.unacknowledged;
    answer(it->second.request, flow_of(it->second.session), 408);
    count(it->second.session, -1, 0);
    it = incoming_.erase(it);
  }
  std::erase_if(outgoing_, [&](const auto& entry) {
    if (entry.second.deadline > now) return false;
    report(entry.second.session, entry.second.client_id, 408, "No answer");
    count(entry.second.session, 0, -1);
    return true;
  });
}

}  // namespace parley::gateway
