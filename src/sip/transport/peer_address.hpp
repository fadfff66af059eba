// Text forms of a peer's address: the sender of a datagram as the transport
// layer hands it on, and the key that finds a connection by protocol,
// address and port. Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>

#include "sip/transport/transport_types.hpp"

namespace parley::sip::transport {

// Dotted quad for IPv4 (written here, not by inet_ntop: this runs for every
// datagram), the usual text form for IPv6.
std::string address_text(const boost::asio::ip::address& address);

// Equal for the same protocol, address text and port; never equal otherwise.
std::string remote_key(Protocol protocol, std::string_view ip, std::uint16_t port);

// Clients keep UDP NAT bindings open with tiny datagrams (CRLF, zeros); they
// are not SIP and not errors.
bool is_udp_keepalive(std::string_view bytes);

}  // namespace parley::sip::transport
