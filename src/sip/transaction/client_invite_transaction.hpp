// RFC 3261 §17.1.1 client INVITE transaction, with the RFC 6026 Accepted
// state: a 2xx moves it to Accepted, where further 2xx (retransmissions, other
// forks) go to the TU until Timer M (64*T1); the TU sends the ACK for 2xx.
// For 3xx-6xx the transaction builds and sends the ACK itself (§17.1.1.3).
// The parsed INVITE is kept only while a CANCEL may still be built from it
// (Calling, Proceeding); what UDP retransmits (the INVITE for Timer A, the
// ACK in Completed) is kept in wire form. Owned by TransactionLayer; driven
// through an Outbox. Thread: core.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

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
  // The INVITE, while a CANCEL may still be sent for it; nullptr afterwards.
  const Message* request() const { return request_.get(); }
  const Flow& flow() const { return flow_; }

 private:
  void complete(const Message& response, Outbox& ob);
  void terminate(Outbox& ob);

  // Drops what no later state needs (entering Accepted or Completed).
  void forget_request();

  // Held by pointer so a live transaction costs little (Message is large).
  std::unique_ptr<Message> request_;
  std::string wire_;      // unreliable flows, Calling: the INVITE as sent (Timer A)
  std::string ack_wire_;  // unreliable flows, Completed: the ACK, resent for each retransmitted final
  Flow flow_;
  Millis timer_a_{0};
  State state_ = State::Calling;
};

}  // namespace parley::sip
