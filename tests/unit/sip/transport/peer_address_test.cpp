#include "sip/transport/peer_address.hpp"

#include <gtest/gtest.h>

namespace parley::sip::transport {
namespace {

using boost::asio::ip::make_address;

TEST(PeerAddress, Ipv4IsWrittenAsTheShortestDottedQuad) {
  EXPECT_EQ(address_text(make_address("127.0.0.1")), "127.0.0.1");
  EXPECT_EQ(address_text(make_address("0.0.0.0")), "0.0.0.0");
  EXPECT_EQ(address_text(make_address("255.255.255.255")), "255.255.255.255");
  EXPECT_EQ(address_text(make_address("10.0.100.9")), "10.0.100.9");
  EXPECT_EQ(address_text(make_address("192.168.20.100")), "192.168.20.100");
}

TEST(PeerAddress, EveryIpv4OctetMatchesTheLibraryText) {
  for (unsigned v = 0; v < 256; ++v) {
    const std::string text = "1." + std::to_string(v) + ".0." + std::to_string(255 - v);
    EXPECT_EQ(address_text(make_address(text)), make_address(text).to_string()) << text;
  }
}

TEST(PeerAddress, Ipv6UsesTheCompressedForm) {
  EXPECT_EQ(address_text(make_address("::1")), "::1");
  EXPECT_EQ(address_text(make_address("2001:db8:0:0:0:0:0:7")), "2001:db8::7");
}

TEST(PeerAddress, RemoteKeyTellsProtocolAddressAndPortApart) {
  const std::string key = remote_key(Protocol::Tcp, "192.0.2.1", 5060);
  EXPECT_EQ(key, remote_key(Protocol::Tcp, "192.0.2.1", 5060));
  EXPECT_NE(key, remote_key(Protocol::Tls, "192.0.2.1", 5060));
  EXPECT_NE(key, remote_key(Protocol::Tcp, "192.0.2.1", 5061));
  EXPECT_NE(key, remote_key(Protocol::Tcp, "192.0.2.10", 5060));
  // Address and port never run into each other.
  EXPECT_NE(remote_key(Protocol::Tcp, "192.0.2.1", 15060), remote_key(Protocol::Tcp, "192.0.2.11", 5060));
}

TEST(PeerAddress, OnlyTinyBlankDatagramsAreKeepalives) {
  EXPECT_TRUE(is_udp_keepalive("\r\n\r\n"));
  EXPECT_TRUE(is_udp_keepalive("\r\n"));
  EXPECT_TRUE(is_udp_keepalive(std::string_view("\0\0\0\0", 4)));
  EXPECT_TRUE(is_udp_keepalive(""));
  EXPECT_FALSE(is_udp_keepalive("\r\n\r\n\r\n"));
  EXPECT_FALSE(is_udp_keepalive("OPTI"));
  EXPECT_FALSE(is_udp_keepalive("\r\nx"));
}

}  // namespace
}  // namespace parley::sip::transport
