#include "gateway/endpoint_locator.hpp"

#include <gtest/gtest.h>

#include "sip/message/parser.hpp"

namespace parley::gateway {
namespace {

sip::registrar::Binding binding(std::string_view contact, std::string transport, std::string ip,
                                std::uint16_t port, std::uint64_t flow = 0) {
  sip::registrar::Binding b;
  b.aor = "alice";
  b.uri = *sip::parse_uri(contact);
  b.source = {std::move(transport), std::move(ip), port, flow};
  return b;
}

TEST(EndpointOf, UdpContactOnTheSourceAddressIsReachedAtItsOwnPort) {
  // A third party (here: another port of the same host) registered it.
  auto e = endpoint_of(binding("sip:uas@127.0.0.1:5081", "UDP", "127.0.0.1", 5080));
  EXPECT_EQ(e.next_hop.host, "127.0.0.1");
  EXPECT_EQ(e.next_hop.port, 5081);
}

TEST(EndpointOf, NatedUdpContactIsReachedWhereItRegisteredFrom) {
  auto e = endpoint_of(binding("sip:desk@10.0.0.5:5060", "UDP", "192.0.2.12", 40000));
  EXPECT_EQ(e.next_hop.host, "192.0.2.12");
  EXPECT_EQ(e.next_hop.port, 40000);
}

TEST(EndpointOf, StreamContactIsReachedOverItsConnection) {
  auto e = endpoint_of(binding("sip:phone@127.0.0.1:5072;transport=tcp", "TCP", "127.0.0.1",
                               41234, 7));
  EXPECT_EQ(e.next_hop.flow_id, 7u);
  EXPECT_EQ(e.next_hop.port, 41234);
  EXPECT_EQ(e.next_hop.transport, "TCP");
}

}  // namespace
}  // namespace parley::gateway
