// Who a request can be forked to: the endpoints of a user (DESIGN.md
// "Identities"). An Endpoint says *where* a user can be reached; how a branch
// is sent to it is the business of the BranchSender registered for its kind,
// so browser sessions and trunk numbers plug in beside SIP contacts.
// Plain values. Thread: core.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sip/message/message.hpp"

namespace parley::sip {

// Where the transport should send a request: a concrete next hop.
struct NextHop {
  std::string transport;      // "UDP", "TCP", "TLS"
  std::string host;           // IP address literal
  std::uint16_t port = 0;
  std::uint64_t flow_id = 0;  // existing connection to reuse, 0 = any
};

struct Endpoint {
  enum class Kind : std::uint8_t { SipContact, WebSession, Number };
  Kind kind = Kind::SipContact;
  Uri uri;                    // the Request-URI of the branch (registered Contact ...)
  NextHop next_hop;           // where the contact was registered from (RFC 5626 flows, NAT)
  std::vector<std::string> path;  // RFC 3327 Path, sent as Route
  float q = 1.0F;
  std::string identity;       // which private identity this is (account, session, number)
};

// The answer to "who is sip:alice@DOMAIN": RFC 3261 §16.5 target set.
struct Location {
  enum class Status : std::uint8_t {
    Found,        // endpoints below
    NotLocal,     // the Request-URI is not in our domain: route by its host
    UnknownUser,  // 404
    Unavailable,  // known user, nothing reachable: 480
  };
  Status status = Status::UnknownUser;
  std::vector<Endpoint> endpoints;
};

// Implemented by the gateway: maps a Request-URI to the endpoints of the user
// (or room, later) it names. Thread: core.
class Locator {
 public:
  virtual ~Locator() = default;
  virtual Location locate(const Uri& request_uri) = 0;
};

}  // namespace parley::sip
