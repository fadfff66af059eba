// Timer values and limits of the transaction layer (RFC 3261 §17, Table 4;
// RFC 6026 Timers L and M). Owned by TransactionLayer, filled from the server
// configuration at start-up. Thread: any (plain value).
#pragma once

#include <cstddef>
#include <optional>

#include "base/clock.hpp"

namespace parley::sip {

struct TransactionConfig {
  Millis t1{500};   // RTT estimate (RFC 3261 §17.1.1.1)
  Millis t2{4000};  // cap of non-INVITE request and INVITE response retransmit intervals
  Millis t4{5000};  // how long a message may stay in the network
  // Timer D: at least 32 s on unreliable transports (RFC 3261 §17.1.1.2), 0 on reliable.
  Millis timer_d{32000};
  // A server INVITE transaction sends 100 Trying by itself when the TU has not
  // sent a provisional response within this delay (RFC 3261 §17.2.1: 200 ms).
  // 0 sends it at once; nullopt never sends it (the TU then must).
  std::optional<Millis> trying_delay = Millis{200};
  // Live transactions (client + server) beyond which new server transactions
  // are refused; the caller answers 503 statelessly (RFC 3261 §21.5.4).
  // Sizing: over UDP a non-INVITE lives 64*T1 (32 s) after its final, so
  // 10,000 requests/s keep ~320,000 alive; each costs ~1.1 KB of heap (entry,
  // keys, timer, the response kept serialized; tests/unit/sip/transaction/
  // transaction_memory_test.cpp), less without it (TCP): ~1.1 GB at the limit.
  std::size_t max_transactions = 1000000;
  // 401/407 finals of non-INVITE requests end their server transaction at
  // once (stateless challenge, RFC 3261 §8.2.7) instead of waiting Timer J.
  bool stateless_challenges = true;
  // Buckets reserved up front so the tables do not rehash under load.
  std::size_t reserve = 4096;

  Millis timer_64t1() const { return t1 * 64; }
};

}  // namespace parley::sip
