#include "sip/registrar/register_request.hpp"

#include <algorithm>

#include "base/strings.hpp"
#include "sip/registrar/binding.hpp"

namespace parley::sip::registrar {

namespace {

Failure<RegisterRefusal> refuse(int status, std::string_view reason, std::uint32_t min = 0) {
  return fail(RegisterRefusal{status, reason, min});
}

std::uint32_t seconds_u32(Seconds s) {
  const auto v = s.count();
  return v <= 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(v);
}

// The interval the UA asked for: the contact's expires parameter, else the
// Expires header, else the default (RFC 3261 §10.2.1.1). A malformed
// parameter counts as the default, as the RFC suggests for bad values.
std::uint32_t requested_expires(const NameAddr& c, const Message& req, const RegistrarConfig& cfg) {
  if (auto p = c.params.get("expires")) {
    auto v = parse_uint(trim(*p));
    if (!v) {
      // Digits too large for 64 bits are still a number: the longest interval.
      const auto t = trim(*p);
      const bool digits = !t.empty() && std::all_of(t.begin(), t.end(), [](char ch) {
        return ch >= '0' && ch <= '9';
      });
      return digits ? UINT32_MAX : seconds_u32(cfg.default_expires);
    }
    return *v > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(*v);
  }
  if (req.expires) return *req.expires;
  return seconds_u32(cfg.default_expires);
}

// +sip.instance is a quoted string (RFC 5626 §4.1). It is echoed back in
// responses, so only plain printable characters are taken.
std::optional<std::string> read_instance(std::string_view raw, std::size_t max_length) {
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') return std::nullopt;
  raw = raw.substr(1, raw.size() - 2);
  if (raw.empty() || raw.size() > max_length) return std::nullopt;
  for (char ch : raw) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x21 || u > 0x7e || ch == '"' || ch == '\\') return std::nullopt;
  }
  return std::string(raw);
}

Result<ContactUpdate, RegisterRefusal> read_contact(const NameAddr& c, const Message& req,
                                                    const RegistrarConfig& cfg, bool outbound) {
  if (!c.uri.is_sip()) return refuse(400, "Unsupported Contact URI scheme");
  ContactUpdate u;
  u.contact = &c;
  u.key = contact_key(c.uri);

  const std::uint32_t asked = requested_expires(c, req, cfg);
  const std::uint32_t min = seconds_u32(cfg.min_expires);
  // RFC 3261 §10.3 step 6: a non-zero interval below the minimum (and under
  // an hour) is refused with 423; a long one is shortened.
  if (asked != 0 && asked < min && asked < 3600) return refuse(423, "Interval Too Brief", min);
  u.expires = std::min(asked, seconds_u32(cfg.max_expires));

  if (auto q = c.params.get("q")) {
    auto v = parse_q_value(*q);
    if (!v) return refuse(400, "Invalid q-value");
    u.q_milli = *v;
    u.has_q = true;
  }
  if (auto inst = c.params.get("+sip.instance")) {
    auto v = read_instance(*inst, cfg.max_instance_length);
    if (!v) return refuse(400, "Invalid +sip.instance");
    u.instance = std::move(*v);
    // RFC 5626 §6: reg-id without an instance, or without outbound support
    // on both sides, is ignored.
    auto rid = c.params.get("reg-id");
    if (rid && outbound) {
      auto n = parse_uint(*rid, 2147483647);
      if (!n || *n == 0) return refuse(400, "Invalid reg-id");
      u.reg_id = static_cast<std::uint32_t>(*n);
    }
  }
  return u;
}

}  // namespace

std::optional<std::uint16_t> parse_q_value(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  const char lead = text[0];
  if (lead != '0' && lead != '1') return std::nullopt;
  unsigned frac = 0;
  if (text.size() > 1) {
    if (text[1] != '.') return std::nullopt;
    unsigned scale = 100;
    for (std::size_t i = 2; i < text.size(); ++i, scale /= 10) {
      const char d = text[i];
      if (d < '0' || d > '9') return std::nullopt;
      frac += static_cast<unsigned>(d - '0') * scale;
    }
  }
  if (lead == '1' && frac != 0) return std::nullopt;
  return static_cast<std::uint16_t>((lead == '1' ? 1000 : 0) + frac);
}

Result<RegisterRequest, RegisterRefusal> read_register(const Message& req,
                                                       const RegistrarConfig& cfg) {
  RegisterRequest out;
  const bool any_wildcard = std::any_of(req.contacts.begin(), req.contacts.end(),
                                        [](const NameAddr& c) { return c.wildcard; });
  if (any_wildcard) {
    // RFC 3261 §10.3 step 6: "*" only alone and only with Expires: 0.
    if (req.contacts.size() != 1 || !req.expires || *req.expires != 0) {
      return refuse(400, "Invalid wildcard Contact");
    }
    out.wildcard = true;
    return out;
  }
  out.updates.reserve(req.contacts.size());
  bool outbound = false;
  if (cfg.outbound) {
    for (const auto& opt : req.header_list("Supported")) outbound = outbound || iequals(opt, "outbound");
  }
  for (const auto& c : req.contacts) {
    auto u = read_contact(c, req, cfg, outbound);
    if (!u) return fail(u.error());
    out.updates.push_back(std::move(u.value()));
  }
  for (auto& p : req.header_list("Path")) out.path.push_back(std::move(p));
  return out;
}

}  // namespace parley::sip::registrar
