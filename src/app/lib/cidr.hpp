// IP networks in CIDR notation ("10.0.0.0/8", "2001:db8::/32") for the
// sip.trusted list: which peers may skip authentication. Value type, parsed at
// start-up from the configuration. Thread: any.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::app {

// An IPv4 or IPv6 address as 16 bytes; IPv4 is held IPv4-mapped
// (::ffff:a.b.c.d, RFC 4291 2.5.5.2) so one comparison serves both families.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = false;

  // Accepts dotted IPv4 and textual IPv6 (optionally in [brackets]).
  static std::optional<IpAddress> parse(std::string_view text);
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

class Cidr {
 public:
  // "A.B.C.D/N" (N <= 32), "IPV6/N" (N <= 128), or a bare address (one host).
  // Host bits after the prefix are ignored. nullopt if malformed.
  static std::optional<Cidr> parse(std::string_view text);

  // True if the address (textual, v4 or v6) is inside; false if malformed.
  // "::ffff:10.1.2.3" is inside 10.0.0.0/8.
  bool contains(std::string_view address) const;
  bool contains(const IpAddress& address) const;

  std::string to_string() const;  // canonical form, e.g. "10.0.0.0/8"
  friend bool operator==(const Cidr&, const Cidr&) = default;

 private:
  IpAddress network_;
  int prefix_ = 0;  // in bits of the 128-bit form (IPv4 /N is 96 + N)
};

}  // namespace parley::app
