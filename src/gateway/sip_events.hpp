// What the SIP service tells the services built on it (chat, presence):
// requests for our domain they may take and answer as a user agent,
// registrations coming and going, connections lost, calls answered and
// ended. Implemented by ChatService and PresenceService; the SIP service
// offers each request to them in the order they were attached. Thread: core.
#pragma once

#include <cstdint>
#include <vector>

#include "sip/message/message.hpp"
#include "sip/registrar/binding.hpp"
#include "sip/transaction/transaction_action.hpp"

namespace parley::gateway {

class SipEvents {
 public:
  virtual ~SipEvents() = default;
  // A request for our domain after the sender check. True when taken: the
  // service answers it (SipService::answer) or forks it (SipService::forward)
  // exactly once, now or later.
  virtual bool take(sip::TransactionId txn, const sip::Message& request, const sip::Flow& from) {
    (void)txn, (void)request, (void)from;
    return false;
  }
  // Bindings added or removed (REGISTER, expiry, connection loss); refreshes
  // are not reported.
  virtual void on_bindings(const std::vector<sip::registrar::BindingChange>& changes) {
    (void)changes;
  }
  virtual void on_flow_closed(std::uint64_t flow) { (void)flow; }
  // An INVITE's first 2xx went upstream (answered) / a BYE passed (ended).
  virtual void on_call(const sip::Message& request, bool answered) { (void)request, (void)answered; }
};

}  // namespace parley::gateway
