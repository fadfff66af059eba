#include "sip/proxy/sip_sender.hpp"

#include "sip/message/parser.hpp"

namespace parley::sip {

bool SipSender::send_wire(std::string_view bytes, const Flow& flow, TransactionId txn) {
  // The bytes are our own serialization: a parse failure is a bug, and the
  // transaction treats the send as failed.
  auto parsed = parse_message(bytes, Framing::Datagram);
  return parsed.ok() && send(parsed.value(), flow, txn);
}

}  // namespace parley::sip
