// RFC 3261 §17.2.1 server INVITE transaction, with the RFC 6026 Accepted
// state: after a 2xx it stays for Timer L (64*T1) absorbing INVITE
// retransmissions, sending the TU's 2xx retransmissions and passing ACKs up;
// after 3xx-6xx it retransmits the response (Timer G) until the ACK (Timer H).
// It sends 100 Trying itself when the TU is silent for trying_delay.
// Owned by TransactionLayer; driven through an Outbox. Thread: core.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "sip/message/message.hpp"
#include "sip/transaction/outbox.hpp"

namespace parley::sip {

class ServerInviteTransaction {
 public:
  enum class State : std::uint8_t { Proceeding, Completed, Confirmed, Accepted, Terminated };

  // Keeps what a 100 Trying needs from the INVITE; the INVITE itself goes to the TU.
  ServerInviteTransaction(const Message& invite, Flow flow);

  // Arms the 100 Trying timer (or sends 100 at once when the delay is 0).
  void start(Outbox& ob);
  // A retransmitted INVITE or an ACK matched to this transaction.
  void on_request(Message request, Outbox& ob);
  // A response from the TU. Returns false when the state does not take it.
  bool on_tu_response(Message response, Outbox& ob);
  // The TU asks for 100 Trying now (RFC 3261 §17.2.1); no-op once any provisional went out.
  void send_trying(Outbox& ob);
  void on_timer(TimerName name, Outbox& ob);
  void on_transport_error(Outbox& ob);

  State state() const { return state_; }
  bool terminated() const { return state_ == State::Terminated; }
  const Flow& flow() const { return flow_; }
  // The last response sent, or nullptr (its To tag is what an RFC 2543 ACK matches by).
  const Message* last_response() const { return last_response_.get(); }
  bool has_final() const { return last_status_ >= 200; }

 private:
  void terminate(Outbox& ob);

  void remember(const Message& response);

  // By pointer: Message is large and most transactions need only one of them.
  std::unique_ptr<Message> trying_;         // 100 Trying, prebuilt; dropped once moot
  std::unique_ptr<Message> last_response_;  // null until a response was sent
  int last_status_ = 0;
  Flow flow_;
  Millis timer_g_{0};
  State state_ = State::Proceeding;
};

}  // namespace parley::sip
