#include "sip/transaction/server_invite_transaction.hpp"

#include <algorithm>
#include <utility>

#include "sip/message/serializer.hpp"
#include "sip/transaction/transaction_messages.hpp"

namespace parley::sip {

ServerInviteTransaction::ServerInviteTransaction(const Message& invite, Flow flow)
    : trying_(std::make_unique<Message>(build_response(invite, 100, "Trying"))),
      flow_(std::move(flow)) {}

void ServerInviteTransaction::send(Message response, bool keep, Outbox& ob) {
  last_status_ = response.status_code;
  if (last_status_ >= 200) final_to_tag_ = to_tag(response);
  if (!keep) {
    std::string().swap(last_wire_);
    ob.send(std::move(response), flow_);
    return;
  }
  last_wire_ = serialize(response);
  if (flow_.reliable) {
    ob.send(std::move(response), flow_);  // a reliable flow may not carry wire form (WEB)
  } else {
    ob.send_wire(last_wire_, flow_);  // serialized once: sent, and kept
  }
}

void ServerInviteTransaction::start(Outbox& ob) {
  const auto& delay = ob.config().trying_delay;
  if (!delay) return;
  if (delay->count() <= 0) {
    send_trying(ob);
  } else {
    ob.start(TimerName::Trying, *delay);
  }
}

void ServerInviteTransaction::send_trying(Outbox& ob) {
  ob.stop(TimerName::Trying);
  if (state_ != State::Proceeding || last_status_ != 0 || !trying_) return;
  Message trying = std::move(*trying_);
  trying_.reset();
  send(std::move(trying), /*keep=*/true, ob);
}

void ServerInviteTransaction::on_request(Message request, Outbox& ob) {
  if (request.method == Method::Ack) {
    if (state_ == State::Completed) {
      // §17.2.1: the ACK for a non-2xx stops G and H; Timer I absorbs
      // further ACKs (T4 unreliable, 0 reliable).
      state_ = State::Confirmed;
      ob.stop(TimerName::G);
      ob.stop(TimerName::H);
      if (flow_.reliable) {
        terminate(ob);
      } else {
        ob.start(TimerName::I, ob.config().t4);
      }
    } else if (state_ == State::Accepted) {
      ob.to_tu(ActionKind::Ack, std::move(request), flow_);  // RFC 6026 §7.1
    }
    return;
  }
  // A retransmitted INVITE: answered with the last response in Proceeding
  // (provisional, if any) and Completed; absorbed in Confirmed and Accepted.
  if ((state_ == State::Proceeding || state_ == State::Completed) && !last_wire_.empty()) {
    ob.send_wire(last_wire_, flow_);
  }
}

bool ServerInviteTransaction::on_tu_response(Message&& response, Outbox& ob) {
  const int code = response.status_code;
  if (state_ == State::Accepted) {
    if (code < 200 || code >= 300) return false;
    ob.send(std::move(response), flow_);  // RFC 6026 §7.1: TU's 2xx retransmissions
    return true;
  }
  if (state_ != State::Proceeding) return false;
  ob.stop(TimerName::Trying);
  trying_.reset();
  if (code < 200) {
    send(std::move(response), /*keep=*/true, ob);
  } else if (code < 300) {
    // RFC 6026 §7.1: Accepted for Timer L instead of terminating at once;
    // INVITE retransmissions are absorbed, the TU retransmits its 2xx.
    state_ = State::Accepted;
    send(std::move(response), /*keep=*/false, ob);
    ob.start(TimerName::L, ob.config().timer_64t1());
  } else {
    state_ = State::Completed;
    send(std::move(response), /*keep=*/true, ob);
    if (!flow_.reliable) {
      timer_g_ = ob.config().t1;
      ob.start(TimerName::G, timer_g_);
    }
    ob.start(TimerName::H, ob.config().timer_64t1());
  }
  return true;
}

void ServerInviteTransaction::on_timer(TimerName name, Outbox& ob) {
  if (name == TimerName::Trying) {
    send_trying(ob);
  } else if (name == TimerName::G && state_ == State::Completed) {
    // §17.2.1: retransmit, doubling up to T2.
    ob.send_wire(last_wire_, flow_);
    timer_g_ = std::min(timer_g_ * 2, ob.config().t2);
    ob.start(TimerName::G, timer_g_);
  } else if (name == TimerName::H && state_ == State::Completed) {
    ob.report(ActionKind::Timeout);  // no ACK ever came
    terminate(ob);
  } else if (name == TimerName::I && state_ == State::Confirmed) {
    terminate(ob);
  } else if (name == TimerName::L && state_ == State::Accepted) {
    terminate(ob);
  }
}

void ServerInviteTransaction::on_transport_error(Outbox& ob) {
  switch (state_) {
    case State::Proceeding:
    case State::Completed:
      ob.report(ActionKind::TransportError);
      terminate(ob);
      return;
    case State::Accepted:
      ob.report(ActionKind::TransportError);  // RFC 6026 §7.1: stay for Timer L
      return;
    case State::Confirmed:
    case State::Terminated:
      return;
  }
}

void ServerInviteTransaction::terminate(Outbox& ob) {
  state_ = State::Terminated;
  for (TimerName n : {TimerName::Trying, TimerName::G, TimerName::H, TimerName::I, TimerName::L}) {
    ob.stop(n);
  }
}

}  // namespace parley::sip
