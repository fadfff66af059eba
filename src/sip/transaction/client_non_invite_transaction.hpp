// RFC 3261 §17.1.2 client non-INVITE transaction (Trying, Proceeding,
// Completed, Terminated; Timers E, F, K). Over UDP the request is kept only
// in wire form, for Timer E, and dropped once a final response arrives; over
// reliable transports nothing is kept once it is sent. Owned by
// TransactionLayer; driven through an Outbox. Thread: core.
#pragma once

#include <cstdint>
#include <string>

#include "sip/message/message.hpp"
#include "sip/transaction/outbox.hpp"

namespace parley::sip {

class ClientNonInviteTransaction {
 public:
  enum class State : std::uint8_t { Trying, Proceeding, Completed, Terminated };

  explicit ClientNonInviteTransaction(Flow flow) : flow_(std::move(flow)) {}

  // Sends the request; Timer E (unreliable only) and Timer F.
  void start(Message request, Outbox& ob);
  void on_response(Message response, Outbox& ob);
  void on_timer(TimerName name, Outbox& ob);
  void on_transport_error(Outbox& ob);

  State state() const { return state_; }
  bool terminated() const { return state_ == State::Terminated; }
  const Flow& flow() const { return flow_; }

 private:
  void terminate(Outbox& ob);

  std::string wire_;  // unreliable flows: the request as sent
  Flow flow_;
  Millis timer_e_{0};
  State state_ = State::Trying;
};

}  // namespace parley::sip
