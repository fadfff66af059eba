#include "sip/transaction/server_non_invite_transaction.hpp"

#include <utility>

#include "sip/message/serializer.hpp"

namespace parley::sip {

void ServerNonInviteTransaction::on_request(Outbox& ob) {
  // §17.2.2: absorbed in Trying; answered with the last response afterwards.
  if ((state_ == State::Proceeding || state_ == State::Completed) && !last_response_.empty()) {
    ob.send_wire(last_response_, flow_);
  }
}

bool ServerNonInviteTransaction::on_tu_response(Message&& response, Outbox& ob) {
  // §17.2.2: finals after the first one are discarded.
  if (state_ != State::Trying && state_ != State::Proceeding) return false;
  const bool final = response.status_code >= 200;
  // A digest challenge is answered like a stateless UAS would (RFC 3261
  // §8.2.7): a retransmitted request simply earns a fresh challenge, and an
  // unauthenticated sender cannot fill the table with 32 s of state per request.
  const bool challenge = response.status_code == 401 || response.status_code == 407;
  if (final && challenge && ob.config().stateless_challenges) {
    ob.send(std::move(response), flow_);
    terminate(ob);
    return true;
  }
  if (flow_.reliable) {
    ob.send(std::move(response), flow_);
  } else {
    last_response_ = serialize(response);  // serialized once: sent, and kept for retransmissions
    ob.send_wire(last_response_, flow_);
  }
  if (!final) {
    state_ = State::Proceeding;
    return true;
  }
  state_ = State::Completed;
  // Timer J: 64*T1 on unreliable transports to answer retransmissions, 0 on reliable.
  if (flow_.reliable) {
    terminate(ob);
  } else {
    ob.start(TimerName::J, ob.config().timer_64t1());
  }
  return true;
}

void ServerNonInviteTransaction::on_timer(TimerName name, Outbox& ob) {
  if (name == TimerName::J && state_ == State::Completed) terminate(ob);
}

void ServerNonInviteTransaction::on_transport_error(Outbox& ob) {
  if (state_ == State::Terminated) return;
  ob.report(ActionKind::TransportError);
  terminate(ob);
}

void ServerNonInviteTransaction::terminate(Outbox& ob) {
  state_ = State::Terminated;
  ob.stop(TimerName::J);
}

}  // namespace parley::sip
