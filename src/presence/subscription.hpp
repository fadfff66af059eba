// One presence subscription (RFC 6665) seen from the notifier: the dialog
// state Parley keeps as UAS of the SUBSCRIBE (RFC 3261 §12.1.1) and the
// NOTIFY requests built from it (§12.2.1.1). Plain value type owned by the
// SubscriptionTable. Thread: core.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "base/strong_id.hpp"
#include "presence/presence_state.hpp"
#include "sip/message/message.hpp"

namespace parley::presence {

struct SubscriptionIdTag {};
using SubscriptionId = StrongId<SubscriptionIdTag>;

// Where a request came from, as the transport saw it; NOTIFYs go back the
// same way (the subscriber may be behind NAT or on a connection it opened).
struct Flow {
  std::string transport;      // "UDP", "TCP", "TLS", "WS", "WSS"
  std::string ip;
  std::uint16_t port = 0;
  std::uint64_t flow_id = 0;  // connection id; 0 for connectionless

  bool operator==(const Flow&) const = default;
};

struct Subscription {
  SubscriptionId id;
  std::string watcher;     // who subscribed (account name)
  std::string presentity;  // whose presence (local user name)
  std::string event_id;    // Event ;id, "" when absent

  // Dialog state, RFC 3261 §12.1.1 (UAS side).
  std::string call_id;
  sip::NameAddr local;     // the SUBSCRIBE's To, with our tag: NOTIFY From
  sip::NameAddr remote;    // the SUBSCRIBE's From, with its tag: NOTIFY To
  sip::Uri remote_target;  // the SUBSCRIBE's Contact, updated by refreshes
  std::vector<sip::NameAddr> route_set;  // Record-Route of the SUBSCRIBE, in order
  std::uint32_t local_cseq = 0;
  std::uint32_t remote_cseq = 0;

  TimePoint expires_at{};
  Flow flow;
  bool notify_in_flight = false;  // a NOTIFY awaits its final response
  bool notify_pending = false;    // the state changed meanwhile

  std::string local_tag() const { return local.tag(); }
  std::string remote_tag() const { return remote.tag(); }
  // Whole seconds left, rounded up; 0 once expired.
  std::uint32_t remaining(TimePoint now) const;
};

struct NotifyParams {
  std::string_view subscription_state;  // "active;expires=N", "terminated;reason=timeout"
  std::string_view entity;              // PIDF entity, "sip:alice@example.com"
  const sip::NameAddr* contact = nullptr;  // ours
  std::uint32_t max_forwards = 70;
};

// The next NOTIFY of the dialog (increments local_cseq). No Via: whoever
// sends it adds one with a fresh branch, as for any request it originates.
sip::Message make_notify(Subscription& sub, const PresenceState& state, const NotifyParams& params);

}  // namespace parley::presence
