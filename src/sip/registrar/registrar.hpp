// The registrar (RFC 3261 §10.3, RFC 5626 instances and reg-ids, RFC 3327
// Path): an in-memory binding store keyed by account username. Sans-I/O: it
// takes an authenticated REGISTER, the source and `now`, and returns the
// response to send and the changes for the caller to persist; the caller
// restores persisted bindings at start. Owned by the SIP proxy. Thread: core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.hpp"
#include "sip/message/message.hpp"
#include "sip/registrar/binding.hpp"
#include "sip/registrar/register_request.hpp"

namespace spdlog {
class logger;
}

namespace parley::sip::registrar {

struct RequestContext {
  // The authenticated account. It must be the To user (else 403) and is the
  // AOR. Empty when authentication is off: the To user is then the AOR.
  std::string_view account;
  Source source;
};

struct RegisterResult {
  int status = 200;
  std::string_view reason = "OK";
  std::uint32_t min_expires = 0;     // set with 423: the Min-Expires value
  std::string aor;
  std::vector<NameAddr> contacts;    // with 200: every current binding, each with ;expires=N
  std::vector<BindingChange> changes;  // to persist (by aor + binding.key); see BindingChange
  // RFC 5626 §6: a reg-id was honoured, so the 200 carries "Require: outbound".
  bool outbound = false;
};

class Registrar {
 public:
  explicit Registrar(RegistrarConfig config = {});

  // RFC 3261 §10.3 steps 4-8 (steps 1-3, domain, Require and authentication,
  // are the caller's). All contacts of the request are applied or none.
  RegisterResult handle_register(const Message& request, const RequestContext& ctx, TimePoint now);

  // Removes bindings whose time is up and returns them (to delete from the
  // store and to update presence). Call it about once a second.
  std::vector<Binding> expire(TimePoint now);

  // Live bindings of an AOR, best q first, then most recently refreshed: the
  // forking order (RFC 3261 §16.6).
  std::vector<Binding> contacts(std::string_view aor, TimePoint now) const;
  bool has_bindings(std::string_view aor, TimePoint now) const;

  // Whether an AOR has a binding registered from exactly this transport, IP
  // and port: tells the proxy a request comes from a registered device.
  bool is_registered_source(std::string_view aor, std::string_view transport, std::string_view ip,
                            std::uint16_t port) const;

  // A connection closed: removes and returns the bindings registered over it
  // (the contact is unreachable without the flow; RFC 5626 §5.2).
  std::vector<Binding> remove_flow(std::uint64_t flow_id);
  // An account was deleted or disabled.
  std::vector<Binding> remove_aor(std::string_view aor);

  // The refreshes not reported yet (BindingChange), now reported: written at
  // a clean stop, a restart restores every binding with its exact expiry.
  std::vector<BindingChange> take_unreported_refreshes();
  // Loads a persisted binding at start; an expired one or one beyond the
  // per-AOR limit is dropped (false). Replaces a binding with the same key.
  bool restore(Binding binding, TimePoint now);

  std::size_t aor_count() const { return aors_.size(); }
  std::size_t binding_count() const { return binding_count_; }
  const RegistrarConfig& config() const { return config_; }

 private:
  struct Aor {
    std::vector<Binding> bindings;
    TimePoint next_check{};  // earliest expiry, as scheduled in checks_
  };
  struct Check {
    TimePoint at;
    std::string aor;
    bool operator>(const Check& o) const { return at > o.at; }
  };
  using Map = std::unordered_map<std::string, Aor>;

  RegisterResult refuse(RegisterResult r, int status, std::string_view reason);
  // The common refresh, done in place; false when the request is not one.
  bool refresh_in_place(const Message& req, const RegisterRequest& plan,
                        const RequestContext& ctx, TimePoint now, Map::iterator it,
                        RegisterResult& r);
  bool apply(const Message& req, const RegisterRequest& plan, const RequestContext& ctx,
             TimePoint now, std::vector<Binding>& next, RegisterResult& result,
             bool& modified) const;
  void commit(const std::string& aor, std::vector<Binding> next);
  void commit(Map::iterator it, const std::string& aor, std::vector<Binding> next);
  void index(const Binding& b, int delta);
  void schedule(Map::iterator it);

  RegistrarConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  Map aors_;
  std::size_t binding_count_ = 0;
  // Expiry checks, one live entry per AOR (older ones are skipped when their
  // time differs from Aor::next_check).
  std::priority_queue<Check, std::vector<Check>, std::greater<>> checks_;
  std::unordered_map<std::uint64_t, std::vector<std::string>> flows_;  // flow -> AORs (one per binding)
};

}  // namespace parley::sip::registrar
