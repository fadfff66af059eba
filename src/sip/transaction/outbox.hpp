// The side effects one transaction may cause while it handles one event: the
// state machines write actions and timer changes here and never see the
// layer, the clock or the transport (DESIGN.md convention 1). Built on the
// stack by TransactionLayer for each event. Thread: core.
#pragma once

#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "sip/transaction/timer_set.hpp"
#include "sip/transaction/transaction_action.hpp"
#include "sip/transaction/transaction_config.hpp"

namespace parley::sip {

class Outbox {
 public:
  Outbox(TransactionId id, TimePoint now, const TransactionConfig& config,
         std::vector<Action>& out, TimerSet& timers, TimerSlots& slots)
      : id_(id), now_(now), config_(config), out_(out), timers_(timers), slots_(slots) {}

  TransactionId id() const { return id_; }
  TimePoint now() const { return now_; }
  const TransactionConfig& config() const { return config_; }

  void send(Message&& m, const Flow& flow);
  // The same for a message kept in wire form (Action::wire).
  void send_wire(std::string_view bytes, const Flow& flow);
  // A received message for the TU (Response, Ack).
  void to_tu(ActionKind kind, Message&& m, const Flow& flow);
  // An event without a message (Timeout, TransportError).
  void report(ActionKind kind);

  // Starts (or restarts) a timer `delay` from now.
  void start(TimerName name, Millis delay);
  void stop(TimerName name);
  bool running(TimerName name) { return slots_[name].has_value(); }

 private:
  TransactionId id_;
  TimePoint now_;
  const TransactionConfig& config_;
  std::vector<Action>& out_;
  TimerSet& timers_;
  TimerSlots& slots_;
};

}  // namespace parley::sip
