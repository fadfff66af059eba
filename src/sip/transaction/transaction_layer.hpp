// The SIP transaction layer (RFC 3261 §17) as a sans-I/O object: it owns every
// client and server transaction in an id-keyed table, matches incoming
// messages to them (§17.1.3, §17.2.3 with the RFC 2543 fallback), keeps their
// timers, and returns what to do as Actions. The caller (sip/proxy, owned by
// the composition root) feeds it transport messages, TU requests/responses and
// time, executes the actions in order, and arms one timer at next_deadline().
// Every call appends to `out`; the caller may call back into the layer while
// executing actions as long as it passes another vector.
//
// Choices: INVITE transactions follow RFC 6026 (Accepted state, Timers L and
// M): 2xx retransmissions and ACKs meeting a live INVITE transaction go to the
// TU with its id; an ACK for a 2xx with a new branch matches nothing and comes
// up as a stray Ack. A branch without the magic cookie, or the bare cookie
// (RFC 4475 badbranch), is matched with the RFC 2543 rules. Branches compare
// case-sensitively, sent-by hosts case-insensitively with default ports filled.
// Only `reliable` of a Flow is read; responses of a server transaction go out
// over the flow its request came on (the transport applies §18.2.2).
// Thread: core.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "sip/message/message.hpp"
#include "sip/transaction/client_invite_transaction.hpp"
#include "sip/transaction/client_non_invite_transaction.hpp"
#include "sip/transaction/server_invite_transaction.hpp"
#include "sip/transaction/server_non_invite_transaction.hpp"
#include "sip/transaction/timer_set.hpp"
#include "sip/transaction/transaction_action.hpp"
#include "sip/transaction/transaction_config.hpp"

namespace parley::sip {

enum class StartError : std::uint8_t {
  NotARequest,      // send_request was given a response
  AckNotAllowed,    // an ACK is never a client transaction (§17.1.1.3: TU sends ACK for 2xx)
  NoBranch,         // top Via missing, or its branch is not z9hG4bK + something
  DuplicateBranch,  // a client transaction with this branch and method is alive
};

// Counters for /metrics (DESIGN.md convention 10: anomalies are counted, not logged).
struct TransactionStats {
  std::uint64_t server_created = 0;
  std::uint64_t client_created = 0;
  std::uint64_t refused_overload = 0;
  std::uint64_t refused_malformed = 0;
  std::uint64_t stray_responses = 0;
  std::uint64_t stray_acks = 0;
  std::uint64_t retransmissions_received = 0;
  std::uint64_t timeouts = 0;
};

class TransactionLayer {
 public:
  explicit TransactionLayer(TransactionConfig config = {});

  // A message from the transport (already parsed). Requests create or match
  // server transactions; responses match client transactions.
  void on_message(Message&& message, const Flow& from, TimePoint now, std::vector<Action>& out);

  // TU: starts a client transaction and sends `request` over `to`. The top
  // Via must carry a branch from generate_branch().
  Result<TransactionId, StartError> send_request(Message request, Flow to, TimePoint now,
                                                 std::vector<Action>& out);
  // TU: a response for server transaction `server`. False if it is gone or
  // its state does not take this response (e.g. a second final).
  bool send_response(TransactionId server, Message&& response, TimePoint now,
                     std::vector<Action>& out);
  // TU: send 100 Trying now on server INVITE transaction `server`.
  bool send_trying(TransactionId server, TimePoint now, std::vector<Action>& out);
  // Transport: a send for `txn` failed (connection refused, ICMP error ...).
  void on_transport_error(TransactionId txn, TimePoint now, std::vector<Action>& out);
  // TU: forget `txn` without sending anything more (shutdown).
  void abandon(TransactionId txn, std::vector<Action>& out);

  // Fires every timer due at `now`.
  void advance(TimePoint now, std::vector<Action>& out);
  std::optional<TimePoint> next_deadline() const { return timers_.next_deadline(); }

  // RFC 3261 §9.2: the INVITE server transaction a CANCEL cancels.
  std::optional<TransactionId> find_invite_for_cancel(const Message& cancel) const;
  // The INVITE a client transaction sent, to build its CANCEL with
  // build_cancel: until its final response, nullptr afterwards and for
  // other methods (nothing else is cancelled, RFC 3261 §9.1).
  const Message* client_request(TransactionId txn) const;

  template <typename Machine>
  const Machine* find(TransactionId txn) const {
    auto it = table_.find(txn);
    return it == table_.end() ? nullptr : std::get_if<Machine>(&it->second.machine);
  }
  bool contains(TransactionId txn) const { return table_.count(txn) != 0; }
  std::size_t size() const { return table_.size(); }
  std::size_t timer_count() const { return timers_.size(); }
  const TransactionStats& stats() const { return stats_; }
  const TransactionConfig& config() const { return config_; }

 private:
  using Machine = std::variant<ClientInviteTransaction, ClientNonInviteTransaction,
                               ServerInviteTransaction, ServerNonInviteTransaction>;
  struct Entry {
    Machine machine;
    TimerSlots timers;
    std::string key;      // in client_index_ or server_index_
    std::string ack_key;  // RFC 2543 server INVITE: key its ACK matches by (To tag of the final)
    std::uint32_t tag_pos = 0;  // RFC 2543 server INVITE: where the To tag starts in `key`
    bool rfc2543 = false;
  };

  void on_request(Message&& request, const Flow& from, TimePoint now, std::vector<Action>& out);
  void on_ack(Message&& ack, const Flow& from, TimePoint now, std::vector<Action>& out);
  void on_response(Message&& response, const Flow& from, TimePoint now, std::vector<Action>& out);
  void create_server(Message&& request, const Flow& from, TimePoint now, std::vector<Action>& out);
  void refuse(Message&& message, const Flow& from, Refusal why, std::vector<Action>& out);
  void index_ack_key(TransactionId id, Entry& entry);
  // Removes `txn` if its machine terminated (emitting Terminated).
  void reap(TransactionId txn, std::vector<Action>& out);
  void erase(TransactionId txn, std::vector<Action>& out);
  Outbox outbox(TransactionId id, Entry& e, TimePoint now, std::vector<Action>& out) {
    return Outbox(id, now, config_, out, timers_, e.timers);
  }

  TransactionConfig config_;
  std::unordered_map<TransactionId, Entry> table_;
  std::unordered_map<std::string, TransactionId> client_index_;
  std::unordered_map<std::string, TransactionId> server_index_;
  TimerSet timers_;
  std::uint64_t next_id_ = 1;
  mutable std::string scratch_;  // key buffer reused by every lookup
  TransactionStats stats_;
};

std::string_view to_string(StartError e);

}  // namespace parley::sip
