// A registration binding (RFC 3261 §10.3): one contact of one address-of-
// record, with what the proxy needs to reach it behind NAT (the source it
// registered from, its flow, RFC 3327 Path) and what the registrar needs to
// order updates (Call-ID, CSeq) and to recognise a device again (RFC 5626
// +sip.instance and reg-id). Plain value type, owned by the Registrar; copies
// go to the proxy and to persistence. Thread: any.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "sip/message/message.hpp"

namespace parley::sip::registrar {

// Where a request came from, as the transport saw it.
struct Source {
  std::string transport;     // "UDP", "TCP", "TLS", "WS", "WSS"
  std::string ip;            // textual, IPv6 without brackets
  std::uint16_t port = 0;
  std::uint64_t flow_id = 0;  // opaque connection id; 0 for connectionless

  bool operator==(const Source&) const = default;
};

struct Binding {
  std::string aor;   // the account username the binding belongs to
  Uri uri;           // contact URI as registered; escaped headers stay inside (RFC 4475 regescrt)
  std::string key;   // contact_key(uri): equal keys are the same contact (RFC 3261 §19.1.4)
  std::uint16_t q_milli = 1000;  // q-value times 1000; no q counts as 1.0
  bool has_q = false;
  TimePoint expires_at{};
  TimePoint updated_at{};  // last REGISTER that added or refreshed it
  std::string call_id;
  std::uint32_t cseq = 0;
  std::string instance;    // +sip.instance value without the quotes, e.g. "<urn:uuid:...>"
  std::optional<std::uint32_t> reg_id;  // RFC 5626 §4.2; only with an instance
  Source source;
  std::vector<std::string> path;  // RFC 3327 Path entries, topmost first
  // The expiry this binding had when it was last reported in a
  // BindingChange: what persistence holds.
  TimePoint reported_expires_at{};

  // Whole seconds left, rounded up; 0 once expired.
  std::uint32_t remaining(TimePoint now) const;
};

// What the caller persists. A refresh is reported (Refreshed) when it
// changed how the contact is reached (URI, q, instance, source, Path), moved
// the expiry earlier, or moved it by at least a tenth of the interval since
// the last report. A UA refreshing far more often than needed thus costs no
// write per refresh; after a crash its binding is restored with at most a
// tenth of its interval less, and it refreshes long before that runs out.
// Call-ID and CSeq are not reasons to write: a stale pair can only make the
// registrar accept a REGISTER it would have refused as out of order.
struct BindingChange {
  enum class Kind : std::uint8_t { Added, Refreshed, Removed };
  Kind kind = Kind::Added;
  Binding binding;
};

// The comparison key of a contact URI after RFC 3261 §19.1.4: scheme, user
// unescaped, password, host case-folded, port, the parameters that must match
// when present (transport, user, ttl, method, maddr), and the headers. Other
// URI parameters do not make a different contact.
std::string contact_key(const Uri& uri);

// The Contact value for a 200 to REGISTER: the URI with q, +sip.instance,
// reg-id and the remaining expires (RFC 3261 §10.3 step 8, RFC 5626 §6).
NameAddr response_contact(const Binding& binding, TimePoint now);

}  // namespace parley::sip::registrar
