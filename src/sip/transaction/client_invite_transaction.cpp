#include "sip/transaction/client_invite_transaction.hpp"

#include <utility>

#include "sip/message/serializer.hpp"
#include "sip/transaction/transaction_messages.hpp"

namespace parley::sip {

void ClientInviteTransaction::start(Outbox& ob) {
  // RFC 3261 §17.1.1.2: Timer A only on unreliable transports; Timer B always.
  if (flow_.reliable) {
    ob.send(Message(*request_), flow_);
  } else {
    wire_ = serialize(*request_);  // serialized once: sent, and kept for Timer A
    ob.send_wire(wire_, flow_);
    timer_a_ = ob.config().t1;
    ob.start(TimerName::A, timer_a_);
  }
  ob.start(TimerName::B, ob.config().timer_64t1());
}

void ClientInviteTransaction::on_response(Message response, Outbox& ob) {
  const int code = response.status_code;
  switch (state_) {
    case State::Calling:
    case State::Proceeding:
      if (code < 200) {
        // §17.1.1.2: a provisional stops retransmissions; only Timer B is
        // bound to Calling, so it stops too (the TU's Timer C takes over).
        state_ = State::Proceeding;
        ob.stop(TimerName::A);
        ob.stop(TimerName::B);
        std::string().swap(wire_);  // no more retransmissions; the INVITE stays for CANCEL
        ob.to_tu(ActionKind::Response, std::move(response), flow_);
      } else if (code < 300) {
        // RFC 6026 §8.4: Accepted, the TU acknowledges the 2xx.
        state_ = State::Accepted;
        ob.stop(TimerName::A);
        ob.stop(TimerName::B);
        forget_request();
        ob.start(TimerName::M, ob.config().timer_64t1());
        ob.to_tu(ActionKind::Response, std::move(response), flow_);
      } else {
        complete(response, ob);
        ob.to_tu(ActionKind::Response, std::move(response), flow_);
        if (flow_.reliable) terminate(ob);  // Timer D is 0 on reliable transports
      }
      return;
    case State::Accepted:
      // RFC 6026 §8.4: every 2xx in Accepted goes to the TU.
      if (code >= 200 && code < 300) ob.to_tu(ActionKind::Response, std::move(response), flow_);
      return;
    case State::Completed:
      // §17.1.1.2: a retransmitted final response is answered with the ACK again.
      if (code >= 300 && !ack_wire_.empty()) ob.send_wire(ack_wire_, flow_);
      return;
    case State::Terminated:
      return;
  }
}

void ClientInviteTransaction::complete(const Message& response, Outbox& ob) {
  state_ = State::Completed;
  ob.stop(TimerName::A);
  ob.stop(TimerName::B);
  Message ack = build_ack_for_non2xx(*request_, response);
  forget_request();
  if (flow_.reliable) {
    ob.send(std::move(ack), flow_);  // no retransmissions to answer: Timer D is 0
    return;
  }
  ack_wire_ = serialize(ack);
  ob.send_wire(ack_wire_, flow_);
  ob.start(TimerName::D, ob.config().timer_d);
}

void ClientInviteTransaction::forget_request() {
  request_.reset();
  std::string().swap(wire_);
}

void ClientInviteTransaction::on_timer(TimerName name, Outbox& ob) {
  if (name == TimerName::A && state_ == State::Calling) {
    // §17.1.1.2: retransmit and double, without the T2 cap of non-INVITE.
    ob.send_wire(wire_, flow_);
    timer_a_ *= 2;
    ob.start(TimerName::A, timer_a_);
  } else if (name == TimerName::B && state_ == State::Calling) {
    ob.report(ActionKind::Timeout);
    terminate(ob);
  } else if (name == TimerName::D && state_ == State::Completed) {
    terminate(ob);
  } else if (name == TimerName::M && state_ == State::Accepted) {
    terminate(ob);
  }
}

void ClientInviteTransaction::on_transport_error(Outbox& ob) {
  // §17.1.1.2 / §8.1.3.1: inform the TU (it treats this as a 503). In
  // Accepted the TU owns the ACK, so a late error there is only reported.
  if (state_ == State::Terminated) return;
  ob.report(ActionKind::TransportError);
  if (state_ != State::Accepted) terminate(ob);
}

void ClientInviteTransaction::terminate(Outbox& ob) {
  state_ = State::Terminated;
  ob.stop(TimerName::A);
  ob.stop(TimerName::B);
  ob.stop(TimerName::D);
  ob.stop(TimerName::M);
}

}  // namespace parley::sip
