// The contacts of a REGISTER, read and validated before anything is changed
// (RFC 3261 §10.3 steps 6-7 need all-or-nothing). Every parameter is hostile
// input: q-values, expires, +sip.instance and reg-id are parsed with bounds
// and never throw. Used by the Registrar. Thread: any.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "sip/message/message.hpp"

namespace parley::sip::registrar {

struct RegistrarConfig {
  Seconds default_expires{3600};  // RFC 3261 §10.2.1.1 default when the UA says nothing
  Seconds min_expires{60};        // below this (and non-zero): 423 with Min-Expires
  Seconds max_expires{7200};      // above this: clamped
  std::size_t max_bindings_per_aor = 10;
  std::size_t max_instance_length = 256;
  // RFC 5626 outbound: honour reg-id (one binding per instance and reg-id)
  // when the UA says "Supported: outbound". Off by default: claiming it
  // obliges the edge to answer STUN keep-alives on the SIP port, and without
  // it a reg-id is ignored (§6) and one instance keeps one binding.
  bool outbound = false;
};

struct ContactUpdate {
  const NameAddr* contact = nullptr;  // points into the request
  std::string key;                    // contact_key(contact->uri)
  std::uint32_t expires = 0;          // seconds after clamping; 0 removes
  std::uint16_t q_milli = 1000;
  bool has_q = false;
  std::string instance;               // without quotes
  std::optional<std::uint32_t> reg_id;
};

struct RegisterRequest {
  bool wildcard = false;  // "Contact: *" with Expires: 0
  std::vector<ContactUpdate> updates;  // empty and !wildcard: a query
  std::vector<std::string> path;       // RFC 3327 Path entries, topmost first
};

struct RegisterRefusal {
  int status = 400;
  std::string_view reason;
  std::uint32_t min_expires = 0;  // with 423
};

Result<RegisterRequest, RegisterRefusal> read_register(const Message& request,
                                                       const RegistrarConfig& config);

// q-value (RFC 3261 §25.1: "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ]) in thousandths.
std::optional<std::uint16_t> parse_q_value(std::string_view text);

}  // namespace parley::sip::registrar
