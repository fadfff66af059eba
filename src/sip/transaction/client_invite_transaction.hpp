// RFC 3261 §17.1.1 client INVITE transaction, with the RFC 6026 Accepted
// state: a 2xx moves it to Accepted, where further 2xx (retransmissions, other
// forks) go to the TU until Timer M (64*T1); the TU sends the ACK for 2xx.
// For 3xx-6xx the transaction builds and sends the ACK itself (§17.1.1.3).
// Owned by TransactionLayer; driven through an Outbox. Thread: core.
#pragma once

#include <cstdint>
#include <memory>

#include "sip/message/message.hpp"
#include "sip/transaction/outbox.hpp"

namespace parley::sip {

class ClientInviteTransaction {
 public:
  enum class State : std::uint8_t { Calling, Proceeding, Accepted, Completed, Terminated };

  ClientInviteTransaction(Message invite, Flow flow)
      : request_(std::make_unique<Message>(std::move(invite))), flow_(std::move(flow)) {}

  // Sends the INVITE; Timer A (unreliable only) and Timer B.
  void start(Outbox& ob);
  void on_response(Message response, Outbox& ob);
  void on_timer(TimerName name, Outbox& ob);
  void on_transport_error(Outbox& ob);

  State state() const { return state_; }
  bool terminated() const { return state_ == State::Terminated; }
  const Message& request() const { return *request_; }
  const Flow& flow() const { return flow_; }

 private:
  void complete(const Message& response, Outbox& ob);
  void terminate(Outbox& ob);

  // Held by pointer so a live transaction costs little (Message is large).
  std::unique_ptr<Message> request_;
  Flow flow_;
  std::unique_ptr<Message> ack_;  // built on the first 3xx-6xx, resent for retransmissions
  Millis timer_a_{0};
  State state_ = State::Calling;
};

}  // namespace parley::sip
