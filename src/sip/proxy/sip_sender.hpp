// The proxy's way out to the network: implemented by the transport layer
// adapter in the composition root, faked in tests. Thread: core.
#pragma once

#include <string_view>

#include "sip/message/message.hpp"
#include "sip/transaction/transaction_action.hpp"

namespace parley::sip {

class SipSender {
 public:
  virtual ~SipSender() = default;
  // Sends over `flow` (a connection id when non-zero, else host/port/transport).
  // False when it could not even be queued (connection gone, no route): the
  // proxy then treats it as a transport error of that transaction
  // (RFC 3261 §18.4) instead of waiting for Timer B/F.
  // `txn` is the transaction the message belongs to (invalid for stateless
  // sends): a later asynchronous failure (connection refused) is reported
  // back with Proxy::on_send_failed(txn).
  virtual bool send(const Message& message, const Flow& flow, TransactionId txn) = 0;
  // The same for a message the transaction layer keeps serialized
  // (Action::wire: retransmissions and most sends over UDP). The default
  // parses it back for send(), for senders that need the parsed form.
  virtual bool send_wire(std::string_view bytes, const Flow& flow, TransactionId txn);
};

}  // namespace parley::sip
