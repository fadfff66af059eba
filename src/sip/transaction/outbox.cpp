#include "sip/transaction/outbox.hpp"

#include <utility>

namespace parley::sip {

void Outbox::send(Message&& m, const Flow& flow) {
  Action& a = out_.emplace_back();
  a.kind = ActionKind::Send;
  a.txn = id_;
  a.message = std::move(m);
  a.flow = flow;
}

void Outbox::send_wire(std::string_view bytes, const Flow& flow) {
  Action& a = out_.emplace_back();
  a.kind = ActionKind::Send;
  a.txn = id_;
  a.wire.assign(bytes);
  a.flow = flow;
}

void Outbox::to_tu(ActionKind kind, Message&& m, const Flow& flow) {
  Action& a = out_.emplace_back();
  a.kind = kind;
  a.txn = id_;
  a.message = std::move(m);
  a.flow = flow;
}

void Outbox::report(ActionKind kind) {
  Action& a = out_.emplace_back();
  a.kind = kind;
  a.txn = id_;
}

void Outbox::start(TimerName name, Millis delay) {
  stop(name);
  slots_[name] = timers_.add(now_ + delay, id_, name);
}

void Outbox::stop(TimerName name) {
  auto& slot = slots_[name];
  if (slot) timers_.cancel(*slot);
  slot.reset();
}

}  // namespace parley::sip
