#include "sip/transaction/client_non_invite_transaction.hpp"

#include <algorithm>
#include <utility>

#include "sip/message/serializer.hpp"

namespace parley::sip {

void ClientNonInviteTransaction::start(Message request, Outbox& ob) {
  if (flow_.reliable) {
    ob.send(std::move(request), flow_);
  } else {
    wire_ = serialize(request);  // serialized once: sent, and kept for Timer E
    ob.send_wire(wire_, flow_);
  }
  // RFC 3261 §17.1.2.2: Timer E only on unreliable transports; Timer F always.
  if (!flow_.reliable) {
    timer_e_ = ob.config().t1;
    ob.start(TimerName::E, timer_e_);
  }
  ob.start(TimerName::F, ob.config().timer_64t1());
}

void ClientNonInviteTransaction::on_response(Message response, Outbox& ob) {
  if (state_ != State::Trying && state_ != State::Proceeding) {
    return;  // §17.1.2.2: Completed absorbs retransmitted finals.
  }
  if (response.status_code < 200) {
    state_ = State::Proceeding;
    ob.to_tu(ActionKind::Response, std::move(response), flow_);
    return;
  }
  state_ = State::Completed;
  ob.stop(TimerName::E);
  ob.stop(TimerName::F);
  std::string().swap(wire_);  // nothing is retransmitted any more
  ob.to_tu(ActionKind::Response, std::move(response), flow_);
  // Timer K: T4 on unreliable transports, 0 on reliable ones.
  if (flow_.reliable) {
    terminate(ob);
  } else {
    ob.start(TimerName::K, ob.config().t4);
  }
}

void ClientNonInviteTransaction::on_timer(TimerName name, Outbox& ob) {
  const bool active = state_ == State::Trying || state_ == State::Proceeding;
  if (name == TimerName::E && active) {
    // §17.1.2.2: doubling up to T2 in Trying; T2 once a provisional arrived.
    ob.send_wire(wire_, flow_);
    timer_e_ = state_ == State::Trying ? std::min(timer_e_ * 2, ob.config().t2) : ob.config().t2;
    ob.start(TimerName::E, timer_e_);
  } else if (name == TimerName::F && active) {
    ob.report(ActionKind::Timeout);
    terminate(ob);
  } else if (name == TimerName::K && state_ == State::Completed) {
    terminate(ob);
  }
}

void ClientNonInviteTransaction::on_transport_error(Outbox& ob) {
  // §17.1.2.2: only a send can fail, and Completed sends nothing.
  if (state_ == State::Terminated || state_ == State::Completed) return;
  ob.report(ActionKind::TransportError);
  terminate(ob);
}

void ClientNonInviteTransaction::terminate(Outbox& ob) {
  state_ = State::Terminated;
  ob.stop(TimerName::E);
  ob.stop(TimerName::F);
  ob.stop(TimerName::K);
}

}  // namespace parley::sip
