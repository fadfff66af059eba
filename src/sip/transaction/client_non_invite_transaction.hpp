// RFC 3261 §17.1.2 client non-INVITE transaction (Trying, Proceeding,
// Completed, Terminated; Timers E, F, K). Owned by TransactionLayer; driven
// through an Outbox. Thread: core.
#pragma once

#include <cstdint>
#include <memory>

#include "sip/message/message.hpp"
#include "sip/transaction/outbox.hpp"

namespace parley::sip {

class ClientNonInviteTransaction {
 public:
  enum class State : std::uint8_t { Trying, Proceeding, Completed, Terminated };

  ClientNonInviteTransaction(Message request, Flow flow)
      : request_(std::make_unique<Message>(std::move(request))), flow_(std::move(flow)) {}

  // Sends the request; Timer E (unreliable only) and Timer F.
  void start(Outbox& ob);
  void on_response(Message response, Outbox& ob);
  void on_timer(TimerName name, Outbox& ob);
  void on_transport_error(Outbox& ob);

  State state() const { return state_; }
  bool terminated() const { return state_ == State::Terminated; }
  const Message& request() const { return *request_; }
  const Flow& flow() const { return flow_; }

 private:
  void terminate(Outbox& ob);

  std::unique_ptr<Message> request_;  // by pointer: Message is large
  Flow flow_;
  Millis timer_e_{0};
  State state_ = State::Trying;
};

}  // namespace parley::sip
