// RFC 3261 §17.2.2 server non-INVITE transaction (Trying, Proceeding,
// Completed, Terminated; Timer J). Retransmitted requests are answered with
// the last response sent, kept serialized (a few hundred bytes instead of a
// parsed Message: over UDP hundreds of thousands wait out Timer J at once).
// Owned by TransactionLayer; driven through an Outbox. Thread: core.
#pragma once

#include <cstdint>
#include <string>

#include "sip/message/message.hpp"
#include "sip/transaction/outbox.hpp"

namespace parley::sip {

class ServerNonInviteTransaction {
 public:
  enum class State : std::uint8_t { Trying, Proceeding, Completed, Terminated };

  explicit ServerNonInviteTransaction(Flow flow) : flow_(std::move(flow)) {}

  // A retransmission of the request.
  void on_request(Outbox& ob);
  // A response from the TU. Returns false when the state does not take it.
  bool on_tu_response(Message&& response, Outbox& ob);
  void on_timer(TimerName name, Outbox& ob);
  void on_transport_error(Outbox& ob);

  State state() const { return state_; }
  bool terminated() const { return state_ == State::Terminated; }
  const Flow& flow() const { return flow_; }
  // The last response as sent (wire form), empty if none is kept.
  const std::string& last_response_bytes() const { return last_response_; }

 private:
  void terminate(Outbox& ob);

  // Kept on unreliable transports only, where retransmissions come.
  std::string last_response_;
  Flow flow_;
  State state_ = State::Trying;
};

}  // namespace parley::sip
