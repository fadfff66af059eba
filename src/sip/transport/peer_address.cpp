#include "sip/transport/peer_address.hpp"

namespace parley::sip::transport {

std::string address_text(const boost::asio::ip::address& address) {
  // address::to_string goes through inet_ntop and sprintf: ~1% of the core
  // thread in the REGISTER benchmark's profile.
  if (!address.is_v4()) return address.to_string();
  const auto bytes = address.to_v4().to_bytes();
  char text[16];
  char* p = text;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) *p++ = '.';
    const unsigned v = bytes[i];
    if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
    if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
    *p++ = static_cast<char>('0' + v % 10);
  }
  return std::string(text, static_cast<std::size_t>(p - text));
}

std::string remote_key(Protocol protocol, std::string_view ip, std::uint16_t port) {
  // The protocol's digit first and '|' before the port: no address text
  // contains '|', so two different triples never make the same key.
  std::string key;
  key.reserve(ip.size() + 8);
  key += static_cast<char>('0' + static_cast<int>(protocol));
  key += ip;
  key += '|';
  key += std::to_string(port);
  return key;
}

bool is_udp_keepalive(std::string_view bytes) {
  if (bytes.size() > 4) return false;
  for (char c : bytes) {
    if (c != '\r' && c != '\n' && c != '\0' && c != ' ') return false;
  }
  return true;
}

}  // namespace parley::sip::transport
