#include "app/lib/cidr.hpp"

#include <arpa/inet.h>

#include "base/strings.hpp"

namespace parley::app {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 45) return std::nullopt;  // INET6_ADDRSTRLEN - 1
  const std::string s(text);
  IpAddress a;
  std::uint8_t v4[4];
  if (inet_pton(AF_INET, s.c_str(), v4) == 1) {
    a.v4 = true;
    a.bytes[10] = 0xff;
    a.bytes[11] = 0xff;
    for (int i = 0; i < 4; ++i) a.bytes[12 + i] = v4[i];
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) return a;
  return std::nullopt;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  const auto slash = text.find('/');
  auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  const int family_bits = address->v4 ? 32 : 128;
  int prefix = family_bits;
  if (slash != std::string_view::npos) {
    auto n = parse_uint(text.substr(slash + 1), static_cast<std::uint64_t>(family_bits));
    if (!n) return std::nullopt;
    prefix = static_cast<int>(*n);
  }
  Cidr c;
  c.prefix_ = address->v4 ? 96 + prefix : prefix;
  c.network_ = *address;
  // Clear host bits so that equal networks compare equal.
  for (int bit = c.prefix_; bit < 128; ++bit) {
    c.network_.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  }
  return c;
}

bool Cidr::contains(const IpAddress& address) const {
  for (int bit = 0; bit < prefix_; ++bit) {
    const std::uint8_t mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    if ((address.bytes[bit / 8] & mask) != (network_.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

bool Cidr::contains(std::string_view address) const {
  auto parsed = IpAddress::parse(address);
  return parsed && contains(*parsed);
}

std::string Cidr::to_string() const {
  char buf[64];
  if (network_.v4) {
    inet_ntop(AF_INET, network_.bytes.data() + 12, buf, sizeof buf);
    return std::string(buf) + "/" + std::to_string(prefix_ - 96);
  }
  inet_ntop(AF_INET6, network_.bytes.data(), buf, sizeof buf);
  return std::string(buf) + "/" + std::to_string(prefix_);
}

}  // namespace parley::app
