// One request being proxied (RFC 3261 §16 "response context"): the server
// transaction it came in on, its branches (one client transaction per
// target), and the best final response so far. Owned by the Proxy in an
// id-keyed table; branches refer to transactions by id. Thread: core.
#pragma once

#include <cstdint>
#include <vector>

#include "base/clock.hpp"
#include "base/strong_id.hpp"
#include "sip/message/message.hpp"
#include "sip/proxy/endpoint.hpp"
#include "sip/proxy/response_selector.hpp"
#include "sip/transaction/transaction_action.hpp"

namespace parley::sip {

struct ForkIdTag {};
using ForkId = StrongId<ForkIdTag>;

struct Branch {
  enum class State : std::uint8_t { Trying, Proceeding, Done };
  TransactionId txn;
  Flow flow;  // where the branch was sent (its CANCEL goes the same way)
  State state = State::Trying;
  bool cancel_pending = false;  // cancelled before any provisional (RFC 3261 §9.1: wait)
  bool cancel_sent = false;
  TimePoint cancelled_at{};  // when our CANCEL went out (RFC 3261 §9.1: give up 64*T1 later)
};

struct Fork {
  TransactionId server;
  Method method = Method::Unknown;
  Message request;       // after Route processing; the template of every branch
  std::string loop_hash;  // appended to every branch id (RFC 3261 §16.6 step 8)
  Flow inbound;          // where the request came from (for 2xx retransmissions)
  std::vector<Branch> branches;
  ResponseSelector selector;
  bool final_sent = false;
  bool cancelled = false;
  TimePoint timer_c{};   // INVITE: when pending branches get cancelled

  Branch* branch(TransactionId txn) {
    for (auto& b : branches) {
      if (b.txn == txn) return &b;
    }
    return nullptr;
  }
  bool all_done() const {
    for (const auto& b : branches) {
      if (b.state != Branch::State::Done) return false;
    }
    return true;
  }
};

}  // namespace parley::sip
