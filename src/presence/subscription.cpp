#include "presence/subscription.hpp"

#include "presence/event_header.hpp"
#include "presence/pidf.hpp"

namespace parley::presence {

std::uint32_t Subscription::remaining(TimePoint now) const {
  if (expires_at <= now) return 0;
  auto left = std::chrono::duration_cast<Millis>(expires_at - now).count();
  return static_cast<std::uint32_t>((left + 999) / 1000);
}

sip::Message make_notify(Subscription& sub, const PresenceState& state, const NotifyParams& params) {
  sip::Message m;
  m.kind = sip::Message::Kind::Request;
  m.method = sip::Method::Notify;
  m.method_text = "NOTIFY";
  // RFC 3261 §12.2.1.1: loose routing sends to the remote target with the
  // route set as Route; a strict router first in the set gets the
  // Request-URI and the remote target goes last in the Route.
  if (sub.route_set.empty() || sub.route_set.front().uri.params.has("lr")) {
    m.request_uri = sub.remote_target;
    m.routes = sub.route_set;
  } else {
    m.request_uri = sub.route_set.front().uri;
    m.routes.assign(sub.route_set.begin() + 1, sub.route_set.end());
    sip::NameAddr target;
    target.uri = sub.remote_target;
    m.routes.push_back(std::move(target));
  }
  m.from = sub.local;
  m.to = sub.remote;
  m.call_id = sub.call_id;
  m.cseq = sip::CSeq{++sub.local_cseq, sip::Method::Notify, "NOTIFY"};
  m.max_forwards = params.max_forwards;
  if (params.contact) m.contacts.push_back(*params.contact);
  std::string event(kPresenceEvent);
  if (!sub.event_id.empty()) event += ";id=" + sub.event_id;
  m.add_header("Event", event);
  m.add_header("Subscription-State", params.subscription_state);
  m.content_type = std::string(kPidfContentType);
  m.body = encode_pidf(params.entity, state);
  return m;
}

}  // namespace parley::presence
