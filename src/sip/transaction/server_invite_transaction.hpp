// RFC 3261 §17.2.1 server INVITE transaction, with the RFC 6026 Accepted
// state: after a 2xx it stays for Timer L (64*T1) absorbing INVITE
// retransmissions, sending the TU's 2xx retransmissions and passing ACKs up;
// after 3xx-6xx it retransmits the response (Timer G) until the ACK (Timer H).
// It sends 100 Trying itself when the TU is silent for trying_delay. What UDP
// retransmits (the last provisional or non-2xx final) is kept in wire form;
// nothing is kept in Accepted, where the TU retransmits its 2xx. Owned by TransactionLayer; driven through an Outbox. Thread: core.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
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
  bool on_tu_response(Message&& response, Outbox& ob);
  // The TU asks for 100 Trying now (RFC 3261 §17.2.1); no-op once any provisional went out.
  void send_trying(Outbox& ob);
  void on_timer(TimerName name, Outbox& ob);
  void on_transport_error(Outbox& ob);

  State state() const { return state_; }
  bool terminated() const { return state_ == State::Terminated; }
  const Flow& flow() const { return flow_; }
  // The To tag of the final response sent (what an RFC 2543 ACK matches by).
  const std::string& final_to_tag() const { return final_to_tag_; }
  bool has_final() const { return last_status_ >= 200; }

 private:
  void terminate(Outbox& ob);

  // Sends `response`; `keep`: it answers retransmitted INVITEs (and Timer G).
  void send(Message response, bool keep, Outbox& ob);

  std::unique_ptr<Message> trying_;  // 100 Trying, prebuilt (by pointer: Message is large); dropped once moot
  std::string last_wire_;            // the response retransmissions are answered with, if any
  std::string final_to_tag_;
  int last_status_ = 0;
  Flow flow_;
  Millis timer_g_{0};
  State state_ = State::Proceeding;
};

}  // namespace parley::sip
