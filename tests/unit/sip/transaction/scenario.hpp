// Scripted-scenario helper for the transaction layer tests: a fake clock,
// injection of wire and TU messages, and a compact trace of every action
// ("500:Send INVITE | 32000:Timeout | 32000:Terminated") so tests state exact
// instants and counts. Also builders for test messages. Thread: test.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sip/transaction/transaction_layer.hpp"

namespace parley::sip::test {

Flow udp_flow(std::uint64_t id = 1);
Flow tcp_flow(std::uint64_t id = 2);

// A request as a UA at host:port would send it, top Via branch `branch`.
Message make_request(Method method, std::string_view branch, std::string_view host = "192.0.2.1",
                     std::uint16_t port = 5060, std::uint32_t cseq = 1,
                     std::string_view call_id = "call-1@192.0.2.1");
// A response to `request` with `to_tag` added to To (if not empty).
Message make_response(const Message& request, int status, std::string_view to_tag = "totag");
std::string_view method_name(Method m);
// What a Send action sends, parsed back when it is in wire form.
Message sent_message(const Action& send);

class Scenario {
 public:
  explicit Scenario(TransactionConfig config = {});

  // Inputs; every action produced is appended to the trace.
  void wire(Message m, const Flow& from);
  TransactionId tu_request(Message m, const Flow& to);
  bool tu_response(TransactionId server, Message m);
  void transport_error(TransactionId txn);
  // Moves the fake clock forward by `d`, firing each timer at its own deadline.
  void advance(Millis d);

  // The trace since the last take(), then cleared.
  std::string take();
  // Every action since the last take() (the raw values), not cleared.
  const std::vector<Action>& actions() const { return pending_; }
  // The last action of `kind` since the last take(), or nullptr.
  const Action* last(ActionKind kind) const;
  // The id of the last NewRequest since the last take() (invalid if none).
  TransactionId last_new() const;

  TransactionLayer& layer() { return layer_; }
  TimePoint now() const { return now_; }
  long elapsed_ms() const;

 private:
  void record(std::vector<Action>& out);

  TransactionLayer layer_;
  TimePoint start_;
  TimePoint now_;
  std::vector<Action> out_;
  std::vector<Action> pending_;
  std::string trace_;
};

}  // namespace parley::sip::test
