// What the sans-I/O transaction layer asks its caller to do (DESIGN.md
// convention 1): send a message, hand a message or an event to the transaction
// user (TU = proxy, registrar ...), or note that a transaction ended. The
// caller owns the output vector and executes the actions in order.
// Thread: any (plain values); produced and consumed on the core thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/strong_id.hpp"
#include "sip/message/message.hpp"

namespace parley::sip {

struct TransactionIdTag {};
// Names one transaction inside one TransactionLayer; never reused while the
// layer lives, so a late event for a dead transaction is a failed lookup.
using TransactionId = StrongId<TransactionIdTag>;

// Where a message came from or goes to. Opaque to the transaction layer: the
// transport fills it for received messages and the TU for requests it sends;
// the layer only reads `reliable` and hands the flow back with every Send.
struct Flow {
  std::uint64_t id = 0;     // transport connection/socket id; 0 = none yet
  bool reliable = false;    // TCP, TLS, WS, SCTP: no retransmissions (RFC 3261 §17)
  std::string host;         // peer address (IP literal), for datagrams and new connections
  std::uint16_t port = 0;
  std::string transport;    // "UDP", "TCP", "TLS", "WS" ...
};

enum class ActionKind : std::uint8_t {
  Send,            // send `message` over `flow`
  NewRequest,      // a new server transaction `txn` was created for `message`;
                   // for a CANCEL, `related` is the INVITE server transaction it cancels (if any)
  Response,        // client transaction `txn` received `message` (1xx-6xx) for the TU
  Ack,             // an ACK for a 2xx (RFC 3261 §17.2.3: matches no transaction), or
                   // one passed up by a server INVITE transaction in Accepted (RFC 6026 §7.1)
  StrayResponse,   // a response that matched no client transaction (RFC 3261 §18.1.2);
                   // a proxy forwards it statelessly (§16.7)
  Timeout,         // Timer B or F (client: act as if 408, §8.1.3.1), or H (server: no ACK)
  TransportError,  // the transport could not deliver for `txn` (act as if 503, §8.1.3.1)
  Terminated,      // `txn` is gone; later calls naming it fail
  Refused,         // a request did not become a transaction, see `refusal`
};

enum class Refusal : std::uint8_t {
  None,
  Overload,   // max_transactions reached: answer 503 statelessly (RFC 3261 §21.5.4)
  Malformed,  // no top Via or unusable CSeq: answer 400 statelessly, or drop
};

struct Action {
  ActionKind kind = ActionKind::Send;
  TransactionId txn;      // invalid for stray messages
  TransactionId related;  // NewRequest of a CANCEL: the INVITE server transaction
  Message message;        // Send, NewRequest, Response, Ack, StrayResponse, Refused
  // Send: the message already serialized, sent as is and `message` left
  // empty. Transactions keep what they retransmit in this form: a few
  // hundred bytes in one block instead of a parsed Message, and no copy and
  // re-serialization at each retransmission.
  std::string wire;
  Flow flow;              // Send: where to; received messages: where from
  Refusal refusal = Refusal::None;
};

std::string_view to_string(ActionKind k);

}  // namespace parley::sip
