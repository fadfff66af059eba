#include "gateway/endpoint_locator.hpp"

#include "base/strings.hpp"

namespace parley::gateway {

sip::Endpoint endpoint_of(const sip::registrar::Binding& b) {
  sip::Endpoint e;
  e.kind = sip::Endpoint::Kind::SipContact;
  e.uri = b.uri;
  // Over TCP/TLS the device is reached over its own connection. Over UDP,
  // a Contact whose host is the very address the REGISTER came from is
  // reached as it says (a third party may register it, RFC 3261 §10.2);
  // one naming another host sits behind NAT (a private address in the
  // Contact), so the request goes where the REGISTER came from.
  e.next_hop.transport = b.source.transport;
  e.next_hop.host = b.source.ip;
  e.next_hop.port = b.source.port;
  e.next_hop.flow_id = b.source.flow_id;
  if (b.source.flow_id == 0 && b.uri.host == b.source.ip &&
      iequals(b.source.transport, "UDP") &&
      iequals(b.uri.params.get("transport").value_or("udp"), "udp")) {
    e.next_hop.port = b.uri.port ? b.uri.port : 5060;
  }
  e.path = b.path;
  e.q = static_cast<float>(b.q_milli) / 1000.0F;
  e.identity = b.aor;
  return e;
}

void EndpointLocator::add_account(const std::string& username, TimePoint now,
                                  sip::Location& out) const {
  for (const auto& b : registrar_.contacts(username, now)) out.endpoints.push_back(endpoint_of(b));
}

sip::Location EndpointLocator::locate(const sip::Uri& request_uri) {
  sip::Location out;
  TimePoint now = SteadyClock::now();
  std::string user = request_uri.scheme == "tel" ? request_uri.user : request_uri.user_unescaped();
  const UserEntry* owner = directory_.user(user);
  if (!owner && !user.empty() && user.front() == '+') owner = directory_.user_of_number(user);
  if (owner) {
    // A public identity: fork to every SIP account of the user.
    for (const auto& account : owner->accounts) add_account(account, now, out);
    if (web_) web_->add_endpoints(owner->name, out.endpoints);
  } else if (const AccountEntry* account = directory_.account(user)) {
    // A private identity addressed directly (sip:alice2@DOMAIN): that account only.
    add_account(account->username, now, out);
  } else {
    out.status = sip::Location::Status::UnknownUser;
    return out;
  }
  out.status = out.endpoints.empty() ? sip::Location::Status::Unavailable
                                     : sip::Location::Status::Found;
  return out;
}

}  // namespace parley::gateway
