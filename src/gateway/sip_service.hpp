// Everything SIP that runs on the core thread, wired together: transports,
// the proxy with its registrar and authenticator, the user directory and the
// endpoint locator, the timers that drive them, and write-behind persistence
// of registrations through the store thread. Owned by serve(). Thread: core
// (constructed on main before the core loop runs).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "gateway/sip_events.hpp"
#include "gateway/store_worker.hpp"
#include "gateway/user_directory.hpp"
#include "gateway/web_endpoints.hpp"
#include "sip/message/message.hpp"
#include "sip/proxy/endpoint.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/transport/transport_types.hpp"

namespace boost::asio {
class io_context;
}

namespace parley::gateway {

struct SipServiceConfig {
  std::string domain = "localhost";
  std::vector<sip::transport::ListenSpec> listen;
  std::function<bool(std::string_view ip)> is_trusted;
  std::string advertise;  // host for our Via/Record-Route; empty = listener address
  std::string tls_certificate;
  std::string tls_private_key;
  std::uint32_t min_expires = 60;
  std::uint32_t max_expires = 3600;
  std::uint32_t default_expires = 3600;
  std::size_t max_connections = 10000;
  std::uint32_t idle_timeout = 600;
  std::size_t max_message_size = 65535;
  bool digest_sha256 = true;  // offered first (RFC 8760 §2.4)
  bool digest_md5 = true;
  // User agents that fail on a SHA-256 challenge even with MD5 beside it.
  std::vector<std::string> md5_only_agents = {"baresip", "sipp"};
};

// What /metrics shows of the SIP side: copies, taken on the core thread.
struct SipSnapshot {
  std::size_t transactions = 0;       // live, including those waiting out Timers J, K, L, M, D
  std::size_t transaction_timers = 0;
  std::size_t bindings = 0;
  std::size_t aors = 0;
  sip::TransactionStats transaction_stats;
  sip::ProxyStats proxy_stats;
  sip::transport::TransportCounters transport;
};

// Prometheus text exposition (format 0.0.4) of a snapshot, appended to `out`.
void write_prometheus(const SipSnapshot& s, std::string& out);

class SipService {
 public:
  SipService(boost::asio::io_context& core, SipServiceConfig config, StoreWorker& store);
  ~SipService();
  SipService(const SipService&) = delete;
  SipService& operator=(const SipService&) = delete;

  // Loads the directory and the persisted registrations (on the calling
  // thread, before the core loop runs), then binds every listener.
  Status<std::string> start(const store::Directory& directory,
                            const std::vector<store::Registration>& registrations);
  // Closes listeners and connections and flushes pending registration writes
  // to the store thread. Call on the core thread.
  void stop();
  // The bound listeners, as "udp:127.0.0.1:5060" strings, for the ready log.
  std::vector<std::string> listening() const;

  // For the web user agent. Call attach_web before start(); `web` outlives
  // this service's last message.
  void attach_web(WebEndpoints* web);
  // Hands a message from the web user agent to the proxy as if it had arrived
  // on `flow` (a WEB flow). Runs from a posted task, never re-entering the
  // proxy from inside one of its own sends.
  void inject(sip::Message message, sip::Flow flow);
  // True while at least one SIP account of user `name` has a binding.
  bool is_registered(std::string_view name) const;
  const UserDirectory& directory() const;
  const std::string& domain() const;

  // For the chat and presence services (SipEvents). attach before start().
  void attach(SipEvents* events);
  // The final answer to a request a SipEvents took.
  void answer(sip::TransactionId txn, sip::Message response);
  void answer(sip::TransactionId txn, const sip::Message& request, int status,
              std::string_view reason = {}, std::vector<sip::Header> extra = {});
  // Forks a request a SipEvents took to these endpoints (480 when none).
  void forward(sip::TransactionId txn, sip::Message request, const sip::Flow& from,
               std::vector<sip::Endpoint> endpoints);
  // The SIP layers' counters and gauges now, for /metrics.
  SipSnapshot snapshot() const;
  // Runs `work` (forwards, answers, originations ...) with its UDP sends
  // queued and sent together (sendmmsg) when it returns.
  void batch_sends(const std::function<void()>& work);
  // Sends a request of Parley's own (room delivery, NOTIFY ...) through a
  // client transaction; `done` gets the final status (408 no answer, 503
  // not sent) and the response if there was one. False if it could not start.
  using OriginateDone = std::function<void(int status, const sip::Message* response)>;
  bool originate(sip::Message request, const sip::NextHop& hop, OriginateDone done);
  // Who a Request-URI reaches now, as the proxy would fork it (phones and browser sessions).
  sip::Location locate(const sip::Uri& uri) const;
  // The registered contacts of one SIP account, as endpoints.
  std::vector<sip::Endpoint> account_endpoints(std::string_view account) const;
  // A URI naming this server for Contact headers of Parley's own dialogs
  // (presence subscriptions): the first listener's address.
  sip::Uri own_uri() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::gateway
