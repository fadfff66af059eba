// The proxy's way out to the network: implemented by the transport layer
// adapter in the composition root, faked in tests. Thread: core.
#pragma once

#include "sip/message/message.hpp"
#include "sip/transaction/transaction_action.hpp"

namespace parley::sip {

class SipSender {
 public:
  virtual ~SipSender() = default;
  // Sends over `flow` (a connection id when non-zero, else host/port/transport).
  virtual void send(const Message& message, const Flow& flow) = 0;
};

}  // namespace parley::sip
