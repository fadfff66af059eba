// The SIP element at the heart of Parley: a stateful forking proxy with a
// registrar in front (RFC 3261 §16, §10). It drives the sans-I/O transaction
// layer: messages and time come in, sends go out through a SipSender. It asks
// the gateway who a request is for (Locator) and who may send as whom
// (SenderIdentities), keeping *who to fork to* apart from *how each branch is
// sent*. Owned by the composition root. Thread: core.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sip/auth/digest_authenticator.hpp"
#include "sip/proxy/endpoint.hpp"
#include "sip/proxy/fork.hpp"
#include "sip/proxy/local_service.hpp"
#include "sip/proxy/proxy_config.hpp"
#include "sip/proxy/proxy_observer.hpp"
#include "sip/proxy/routing.hpp"
#include "sip/proxy/sender_identities.hpp"
#include "sip/proxy/sip_sender.hpp"
#include "sip/registrar/registrar.hpp"
#include "sip/transaction/transaction_layer.hpp"

namespace spdlog { class logger; }

namespace parley::sip {

struct ProxyStats {
  std::uint64_t requests = 0;
  std::uint64_t registers_ok = 0;
  std::uint64_t challenges = 0;
  std::uint64_t auth_failures = 0;
  std::uint64_t forks = 0;
  std::uint64_t branches = 0;
  std::uint64_t stateless_forwards = 0;
  std::uint64_t local_responses = 0;
};

// Everything the proxy uses but does not own; all outlive it.
struct ProxyDeps {
  registrar::Registrar& registrar;
  auth::DigestAuthenticator& authenticator;
  auth::Ha1Lookup& credentials;
  Locator& locator;
  SenderIdentities& identities;
  SipSender& sender;
  ProxyObserver& observer;
  LocalService* local = nullptr;  // none: every request is forked or refused
};

class Proxy {
 public:
  Proxy(ProxyConfig config, TransactionConfig txn_config, ProxyDeps deps);
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // A parsed message from the transport.
  void on_message(Message&& message, const Flow& from, TimePoint now);
  // The transport could not deliver on a flow used by a transaction.
  void on_send_failed(TransactionId txn, TimePoint now);
  // Fires due timers (transactions, Timer C). Call at next_deadline().
  void on_timer(TimePoint now);
  std::optional<TimePoint> next_deadline() const;

  // For the LocalService (proxy_local.cpp). The final answer to a request it
  // took; `response` is built from the request (make_response) by the caller.
  void answer(TransactionId txn, Message response, TimePoint now);
  // The same with a status, reason phrase and extra headers, our To tag added.
  void answer(TransactionId txn, const Message& request, int status, std::string_view reason,
              std::vector<Header> extra, TimePoint now);
  // Forks a request it took to these endpoints as route_request would.
  void forward(TransactionId txn, Message request, const Flow& from,
               std::vector<Endpoint> targets, TimePoint now);
  // Sends a request of our own (a user agent client: MESSAGE, NOTIFY) to
  // `hop` through a client transaction; a Via and Max-Forwards are added.
  // The final outcome goes to LocalService::on_originated_response.
  std::optional<TransactionId> originate(Message request, const NextHop& hop, TimePoint now);

  const ProxyStats& stats() const { return stats_; }
  const TransactionLayer& transactions() const { return txn_; }

 private:
  // proxy.cpp: dispatch of transaction-layer actions and request checks.
  void run(std::vector<Action>& actions, TimePoint now);
  void on_new_request(Action& a, TimePoint now);
  // Requests we answer ourselves at once, without a server transaction.
  bool answered_locally(const Message& m) const;
  void on_local_request(Message& req, const Flow& from, TimePoint now);
  bool reject_bad_request(TransactionId txn, const Message& req, const Flow& from, TimePoint now);
  void respond(TransactionId txn, const Message& req, int status, TimePoint now,
               std::vector<Header> extra = {});
  // For a request answered last thing: its headers move into the response.
  void respond(TransactionId txn, Message&& req, int status, TimePoint now,
               std::vector<Header> extra = {});
  void answer_locally(TransactionId txn, Message&& resp, TimePoint now, std::vector<Header> extra);
  void send_final(TransactionId txn, Message&& resp, TimePoint now, bool keep_transaction = false);
  void route_request(TransactionId txn, Message&& req, const Flow& from, TimePoint now);
  // `relay`: the request leaves our domain, so every out-of-dialog method is checked.
  bool authorize_sender(TransactionId txn, const Message& req, const Flow& from, TimePoint now,
                        bool relay, bool routed_by_us);
  void challenge(TransactionId txn, const Message& req, const Flow& from, auth::ChallengeKind kind,
                 bool stale, TimePoint now);
  // The challenge's status and WWW-/Proxy-Authenticate headers.
  std::pair<int, std::vector<Header>> make_challenge(const Message& req, const Flow& from,
                                                     auth::ChallengeKind kind, bool stale,
                                                     TimePoint now);
  // proxy_register.cpp: the registrar and requests answered locally.
  // Answers by moving Via, From, To, Call-ID and CSeq out of `req`.
  void on_register(TransactionId txn, Message& req, const Flow& from, TimePoint now);
  void on_local_options(TransactionId txn, const Message& req, TimePoint now);
  // proxy_forward.cpp: forking, branches, responses, CANCEL, stateless ACK.
  void fork(TransactionId txn, Message req, const Flow& from, std::vector<Endpoint> targets,
            std::string loop, TimePoint now);
  bool start_branch(Fork& fork, ForkId id, const Endpoint& target, TimePoint now);
  void on_branch_response(TransactionId client, Message response, TimePoint now);
  void on_branch_failure(TransactionId client, int status, TimePoint now);
  void finish_branch(ForkId id, Fork& fork, TimePoint now);
  void restart_timer_c(ForkId id, Fork& fork, TimePoint now);
  void give_up_cancelled(ForkId id, TimePoint now);
  void cancel_branches(Fork& fork, TimePoint now);
  void send_cancel(Branch& branch, TimePoint now);
  void on_cancel(Action& a, TimePoint now);
  void forward_stateless(Message message, const Flow& from);
  void forward_response_stateless(Message response);
  void on_terminated(TransactionId txn);
  void erase_fork(ForkId id);
  void send_stateless_error(const Message& request, const Flow& to, int status);
  Fork* fork_of_client(TransactionId client, ForkId* id = nullptr);
  // proxy_local.cpp: outcome of an originated request; false if not ours.
  bool on_originated(ActionKind kind, TransactionId client, const Message* response, TimePoint now);

  ProxyConfig config_;
  ProxyDeps deps_;
  Routing routing_;
  TransactionLayer txn_;
  std::unordered_map<ForkId, Fork> forks_;
  std::unordered_map<TransactionId, ForkId> fork_by_server_;
  std::unordered_map<TransactionId, ForkId> fork_by_client_;
  std::unordered_set<TransactionId> originated_;  // client transactions of the LocalService
  std::multimap<TimePoint, ForkId> timer_c_;  // INVITE forks waiting for a final response
  std::uint64_t next_fork_ = 1;
  std::string to_tag_;  // our To tag for local responses (one per process is enough)
  // Set while on_local_request runs: where responses to a request without a
  // server transaction (TransactionId{}) go.
  const Flow* stateless_to_ = nullptr;
  ProxyStats stats_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace parley::sip
