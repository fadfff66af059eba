#include "sip/transaction/server_non_invite_transaction.hpp"

#include <memory>
#include <utility>

namespace parley::sip {

void ServerNonInviteTransaction::on_request(Outbox& ob) {
  // §17.2.2: absorbed in Trying; answered with the last response afterwards.
  if ((state_ == State::Proceeding || state_ == State::Completed) && last_response_) {
    ob.send(*last_response_, flow_);
  }
}

bool ServerNonInviteTransaction::on_tu_response(Message response, Outbox& ob) {
  // §17.2.2: finals after the first one are discarded.
  if (state_ != State::Trying && state_ != State::Proceeding) return false;
  const bool final = response.status_code >= 200;
  if (!flow_.reliable) {
    if (last_response_) {
      *last_response_ = response;
    } else {
      last_response_ = std::make_unique<Message>(response);
    }
  }
  ob.send(std::move(response), flow_);
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
