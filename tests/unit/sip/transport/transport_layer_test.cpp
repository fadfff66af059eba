#include "sip/transport/transport_layer.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "transport_test_util.hpp"

namespace parley::sip::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using test::Harness;
using test::StreamReader;

udp::endpoint server_udp(const Harness& h) {
  return udp::endpoint(asio::ip::make_address("127.0.0.1"), h.transport->local_port(Protocol::Udp));
}

tcp::endpoint server_tcp(const Harness& h, Protocol p = Protocol::Tcp) {
  return tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.transport->local_port(p));
}

// A UDP client socket that receives asynchronously on the harness loop.
struct UdpClient {
  udp::socket socket;
  std::vector<std::string> received;
  std::array<char, 65536> buf{};
  udp::endpoint from;
  explicit UdpClient(asio::io_context& io)
      : socket(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    arm();
  }
  void arm() {
    socket.async_receive_from(asio::buffer(buf), from,
                              [this](const boost::system::error_code& ec, std::size_t n) {
                                if (ec) return;
                                received.emplace_back(buf.data(), n);
                                arm();
                              });
  }
  void send(const Harness& h, std::string_view bytes) {
    socket.send_to(asio::buffer(bytes.data(), bytes.size()), server_udp(h));
  }
  std::uint16_t port() const { return socket.local_endpoint().port(); }
};

TEST(TransportLayer, ListenersBindToFreePorts) {
  Harness h;
  h.start(test::config_with({Protocol::Udp, Protocol::Tcp}));
  ASSERT_EQ(h.transport->listeners().size(), 2U);
  EXPECT_NE(h.transport->local_port(Protocol::Udp), 0);
  EXPECT_NE(h.transport->local_port(Protocol::Tcp), 0);
  EXPECT_EQ(h.transport->local_port(Protocol::Tls), 0);
  EXPECT_EQ(h.transport->listeners()[0].ip, "127.0.0.1");
}

TEST(TransportLayer, BadListenAddressIsAStartError) {
  Harness h;
  TransportConfig c;
  c.listen.push_back(ListenSpec{Protocol::Udp, "not-an-ip", 0});
  h.transport = std::make_unique<TransportLayer>(h.io, c);
  EXPECT_FALSE(h.transport->start().ok());
}

TEST(TransportLayer, UdpRequestIsDeliveredWithSourceAndStampedVia) {
  Harness h;
  h.start(test::config_with({Protocol::Udp}));
  UdpClient client(h.io);
  client.send(h, test::options_request("UDP"));
  ASSERT_TRUE(h.run_until([&] { return !h.received.empty(); }));
  const auto& [msg, src] = h.received[0];
  EXPECT_EQ(msg.method, Method::Options);
  EXPECT_EQ(src.protocol, Protocol::Udp);
  EXPECT_EQ(src.remote_ip, "127.0.0.1");
  EXPECT_EQ(src.remote_port, client.port());
  EXPECT_EQ(src.listener, 0U);
  EXPECT_EQ(src.flow, 0U);
  EXPECT_FALSE(src.reliable);
  // RFC 3261 §18.2.1 and RFC 3581 §4.
  ASSERT_FALSE(msg.vias.empty());
  EXPECT_EQ(msg.vias[0].params.get("received"), std::optional<std::string_view>("127.0.0.1"));
  EXPECT_EQ(msg.vias[0].params.get("rport"),
            std::optional<std::string_view>(std::to_string(client.port())));
  EXPECT_EQ(h.transport->counters().datagrams_in, 1U);
}

TEST(TransportLayer, UdpSourceAddressIsWrittenDigitForDigit) {
  // Every octet width, zeros inside and at the end: any 127/8 address is
  // loopback on Linux.
  for (const char* ip : {"127.0.0.1", "127.10.200.9", "127.255.0.100", "127.99.100.0"}) {
    Harness h;
    h.start(test::config_with({Protocol::Udp}));
    udp::socket client(h.io, udp::endpoint(asio::ip::make_address(ip), 0));
    const std::string req = test::options_request("UDP");
    client.send_to(asio::buffer(req), server_udp(h));
    ASSERT_TRUE(h.run_until([&] { return !h.received.empty(); })) << ip;
    EXPECT_EQ(h.received[0].second.remote_ip, ip);
    EXPECT_EQ(h.received[0].first.vias[0].params.get("received"),
              std::optional<std::string_view>(ip));
  }
}

TEST(TransportLayer, UdpKeepaliveIsIgnoredSilently) {
  Harness h;
  h.start(test::config_with({Protocol::Udp}));
  UdpClient client(h.io);
  client.send(h, "\r\n\r\n");
  client.send(h, test::options_request("UDP"));
  ASSERT_TRUE(h.run_until([&] { return !h.received.empty(); }));
  EXPECT_EQ(h.transport->counters().parse_errors, 0U);
  EXPECT_TRUE(client.received.empty());
}

TEST(TransportLayer, MalformedUdpRequestIsAnswered400) {
  Harness h;
  h.start(test::config_with({Protocol::Udp}));
  UdpClient client(h.io);
  std::string bad = test::options_request("UDP");
  bad.replace(bad.find("CSeq: 1 OPTIONS"), 15, "CSeq: x OPTIONS");
  client.send(h, bad);
  ASSERT_TRUE(h.run_until([&] { return !client.received.empty(); }));
  EXPECT_TRUE(client.received[0].starts_with("SIP/2.0 400 ")) << client.received[0];
  EXPECT_NE(client.received[0].find("Call-ID: a84b4c76e66710"), std::string::npos);
  EXPECT_TRUE(h.received.empty());
  EXPECT_EQ(h.transport->counters().parse_errors, 1U);
  EXPECT_EQ(h.transport->counters().error_responses, 1U);
}

TEST(TransportLayer, OversizedUdpRequestIsAnswered513) {
  Harness h;
  auto config = test::config_with({Protocol::Udp});
  config.limits.max_message_size = 1000;
  h.start(config);
  UdpClient client(h.io);
  client.send(h, test::options_request("UDP", std::string(1500, 'x')));
  ASSERT_TRUE(h.run_until([&] { return !client.received.empty(); }));
  EXPECT_TRUE(client.received[0].starts_with("SIP/2.0 513 ")) << client.received[0];
}

TEST(TransportLayer, GarbageResponseIsDroppedWithoutAnswer) {
  Harness h;
  h.start(test::config_with({Protocol::Udp}));
  UdpClient client(h.io);
  client.send(h, "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 1.2.3.4\r\nCSeq: what\r\n\r\n");
  client.send(h, test::options_request("UDP"));  // a marker that the first was handled
  ASSERT_TRUE(h.run_until([&] { return !h.received.empty(); }));
  EXPECT_TRUE(client.received.empty());
  EXPECT_EQ(h.transport->counters().parse_errors, 1U);
}

TEST(TransportLayer, UdpReplyGoesBackToTheSource) {
  Harness h;
  h.start(test::config_with({Protocol::Udp}));
  UdpClient client(h.io);
  client.send(h, test::options_request("UDP"));
  ASSERT_TRUE(h.run_until([&] { return !h.received.empty(); }));
  const auto sent = h.transport->send_raw("SIP/2.0 200 OK\r\n\r\n", reply_target(h.received[0].second));
  ASSERT_TRUE(sent.ok());
  ASSERT_TRUE(h.run_until([&] { return !client.received.empty(); }));
  EXPECT_EQ(client.received[0], "SIP/2.0 200 OK\r\n\r\n");
  EXPECT_EQ(h.transport->counters().datagrams_out, 1U);
}

TEST(TransportLayer, TcpMessageSplitAcrossWritesAndTwoInOneWrite) {
  Harness h;
  h.start(test::config_with({Protocol::Tcp}));
  tcp::socket client(h.io);
  client.connect(server_tcp(h));
  const std::string m = test::options_request("TCP", "hello");
  asio::write(client, asio::buffer(m.substr(0, 40)));
  ASSERT_FALSE(h.run_until([&] { return !h.received.empty(); }, std::chrono::milliseconds(50)));
  asio::write(client, asio::buffer(m.substr(40) + m + m));
  ASSERT_TRUE(h.run_until([&] { return h.received.size() == 3; }));
  const Source& src = h.received[0].second;
  EXPECT_EQ(src.protocol, Protocol::Tcp);
  EXPECT_TRUE(src.reliable);
  EXPECT_NE(src.flow, 0U);
  EXPECT_EQ(src.remote_port, client.local_endpoint().port());
  EXPECT_EQ(h.received[2].second.flow, src.flow);
  EXPECT_EQ(h.received[1].first.body, "hello");
  EXPECT_EQ(h.transport->counters().connections_accepted, 1U);
  EXPECT_TRUE(h.transport->flow_open(src.flow));
}

TEST(TransportLayer, CrlfCrlfPingGetsCrlfPong) {
  Harness h;
  h.start(test::config_with({Protocol::Tcp}));
  tcp::socket client(h.io);
  client.connect(server_tcp(h));
  StreamReader reader;
  reader.start(client);
  asio::write(client, asio::buffer(std::string("\r\n\r\n")));
  ASSERT_TRUE(h.run_until([&] { return !reader.data.empty(); }));
  EXPECT_EQ(reader.data, "\r\n");
  EXPECT_EQ(h.transport->counters().keepalive_pings, 1U);
}

TEST(TransportLayer, MalformedTcpRequestIsAnsweredAndConnectionStays) {
  Harness h;
  h.start(test::config_with({Protocol::Tcp}));
  tcp::socket client(h.io);
  client.connect(server_tcp(h));
  StreamReader reader;
  reader.start(client);
  std::string bad = test::options_request("TCP");
  bad.replace(bad.find("CSeq: 1 OPTIONS"), 15, "CSeq: x OPTIONS");
  asio::write(client, asio::buffer(bad + test::options_request("TCP")));
  ASSERT_TRUE(h.run_until([&] { return !reader.data.empty() && !h.received.empty(); }));
  EXPECT_TRUE(reader.data.starts_with("SIP/2.0 400 ")) << reader.data;
  EXPECT_FALSE(reader.eof);
}

TEST(TransportLayer, OversizedTcpHeaderIsAnswered513AndClosed) {
  Harness h;
  auto config = test::config_with({Protocol::Tcp});
  config.max_header_bytes = 512;
  h.start(config);
  tcp::socket client(h.io);
  client.connect(server_tcp(h));
  StreamReader reader;
  reader.start(client);
  std::string m = test::options_request("TCP");
  m.insert(m.find("Max-Forwards"), "X-Filler: " + std::string(1000, 'a') + "\r\n");
  asio::write(client, asio::buffer(m));
  ASSERT_TRUE(h.run_until([&] { return reader.eof; }));
  EXPECT_TRUE(reader.data.starts_with("SIP/2.0 513 ")) << reader.data;
  ASSERT_TRUE(h.run_until([&] { return h.closed.size() == 1; }));
  EXPECT_EQ(h.transport->connection_count(), 0U);
}

TEST(TransportLayer, RequestReusesTheConnectionTheClientOpened) {
  Harness h;
  h.start(test::config_with({Protocol::Tcp}));
  tcp::socket client(h.io);
  client.connect(server_tcp(h));
  StreamReader reader;
  reader.start(client);
  asio::write(client, asio::buffer(test::options_request("TCP")));
  ASSERT_TRUE(h.run_until([&] { return !h.received.empty(); }));
  const FlowId flow = h.received[0].second.flow;

  // By flow id (RFC 5626), with no address at all.
  Target by_flow{Protocol::Tcp, "", 0, flow};
  auto sent = h.transport->send_raw("first", by_flow);
  ASSERT_TRUE(sent.ok()) << sent.error();
  EXPECT_EQ(*sent, flow);
  // By the remote address, with no flow id (RFC 3261 §18.1.1 reuse).
  Target by_address{Protocol::Tcp, "127.0.0.1", client.local_endpoint().port(), 0};
  sent = h.transport->send_raw("second", by_address);
  ASSERT_TRUE(sent.ok()) << sent.error();
  EXPECT_EQ(*sent, flow);
  ASSERT_TRUE(h.run_until([&] { return reader.data == "firstsecond"; }));
  EXPECT_EQ(h.transport->connection_count(), 1U);
}

TEST(TransportLayer, ResponseFollowsViaOverTheSameFlow) {
  Harness h;
  h.start(test::config_with({Protocol::Tcp}));
  tcp::socket client(h.io);
  client.connect(server_tcp(h));
  StreamReader reader;
  reader.start(client);
  asio::write(client, asio::buffer(test::options_request("TCP")));
  ASSERT_TRUE(h.run_until([&] { return !h.received.empty(); }));
  Message response;
  response.kind = Message::Kind::Response;
  response.status_code = 200;
  response.reason = "OK";
  response.vias = h.received[0].first.vias;
  response.call_id = "a84b4c76e66710";
  const auto sent = h.transport->send_response(response, h.received[0].second.flow);
  ASSERT_TRUE(sent.ok()) << sent.error();
  ASSERT_TRUE(h.run_until([&] { return reader.data.find("\r\n\r\n") != std::string::npos; }));
  EXPECT_TRUE(reader.data.starts_with("SIP/2.0 200 OK\r\n")) << reader.data;
}

TEST(TransportLayer, FlowIdOfAClosedFlowFailsWithoutAddress) {
  Harness h;
  h.start(test::config_with({Protocol::Tcp}));
  const auto sent = h.transport->send_raw("x", Target{Protocol::Tcp, "", 0, 12345});
  EXPECT_FALSE(sent.ok());
}

TEST(TransportLayer, IdleConnectionIsClosed) {
  Harness h;
  auto config = test::config_with({Protocol::Tcp});
  config.idle_timeout = std::chrono::seconds(1);
  h.start(config);
  tcp::socket client(h.io);
  client.connect(server_tcp(h));
  StreamReader reader;
  reader.start(client);
  ASSERT_TRUE(h.run_until([&] { return h.transport->connection_count() == 1; }));
  ASSERT_TRUE(h.run_until([&] { return reader.eof; }, std::chrono::milliseconds(4000)));
  ASSERT_TRUE(h.run_until([&] { return h.closed.size() == 1; }));
  EXPECT_EQ(h.transport->counters().idle_closes, 1U);
  EXPECT_EQ(h.transport->connection_count(), 0U);
}

TEST(TransportLayer, ConnectionsBeyondTheLimitAreRefused) {
  Harness h;
  auto config = test::config_with({Protocol::Tcp});
  config.max_connections = 1;
  h.start(config);
  tcp::socket first(h.io);
  first.connect(server_tcp(h));
  ASSERT_TRUE(h.run_until([&] { return h.transport->connection_count() == 1; }));
  tcp::socket second(h.io);
  second.connect(server_tcp(h));
  StreamReader reader;
  reader.start(second);
  ASSERT_TRUE(h.run_until([&] { return reader.eof; }));
  EXPECT_EQ(h.transport->counters().connections_refused, 1U);
  EXPECT_EQ(h.transport->connection_count(), 1U);
}

TEST(TransportLayer, OutboundTcpConnectsQueuesAndSends) {
  Harness h;
  h.start(test::config_with({Protocol::Tcp}));
  tcp::acceptor peer(h.io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket accepted(h.io);
  bool got = false;
  peer.async_accept(accepted, [&](const boost::system::error_code& ec) { got = !ec; });
  const Target t{Protocol::Tcp, "127.0.0.1", peer.local_endpoint().port(), 0};
  const auto a = h.transport->send_raw("one", t);
  const auto b = h.transport->send_raw("two", t);  // queued behind the connect
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  ASSERT_TRUE(h.run_until([&] { return got; }));
  StreamReader reader;
  reader.start(accepted);
  ASSERT_TRUE(h.run_until([&] { return reader.data == "onetwo"; }));
  EXPECT_EQ(h.transport->counters().connections_connected, 1U);
}

TEST(TransportLayer, FailedConnectReportsSendFailureAndFlowClosed) {
  Harness h;
  h.start(test::config_with({Protocol::Tcp}));
  std::uint16_t dead_port = 0;
  {
    tcp::acceptor tmp(h.io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    dead_port = tmp.local_endpoint().port();
  }
  const auto sent = h.transport->send_raw("x", Target{Protocol::Tcp, "127.0.0.1", dead_port, 0});
  ASSERT_TRUE(sent.ok());
  ASSERT_TRUE(h.run_until([&] { return !h.failures.empty(); }));
  EXPECT_EQ(h.failures[0].flow, *sent);
  ASSERT_EQ(h.closed.size(), 1U);
  EXPECT_EQ(h.closed[0], *sent);
  EXPECT_FALSE(h.transport->flow_open(*sent));
}

TEST(TransportLayer, WriteQueueOverflowClosesTheConnection) {
  Harness h;
  auto config = test::config_with({Protocol::Tcp});
  config.max_write_queue_bytes = 1000;
  h.start(config);
  tcp::socket client(h.io);
  client.connect(server_tcp(h));
  asio::write(client, asio::buffer(test::options_request("TCP")));
  ASSERT_TRUE(h.run_until([&] { return !h.received.empty(); }));
  const Target t = reply_target(h.received[0].second);
  // Nothing runs between these calls, so the first is still queued (in flight).
  EXPECT_TRUE(h.transport->send_raw(std::string(600, 'a'), t).ok());
  EXPECT_FALSE(h.transport->send_raw(std::string(600, 'b'), t).ok());
  EXPECT_EQ(h.transport->counters().write_queue_overflows, 1U);
  EXPECT_FALSE(h.transport->flow_open(t.flow));
  ASSERT_EQ(h.closed.size(), 1U);
  ASSERT_EQ(h.failures.size(), 1U);
  EXPECT_EQ(h.failures[0].flow, t.flow);
}

TEST(TransportLayer, StreamRequestWithoutContentLengthIsRefused) {
  Harness h;
  h.start(test::config_with({Protocol::Tcp}));
  tcp::socket client(h.io);
  client.connect(server_tcp(h));
  StreamReader reader;
  reader.start(client);
  std::string m = test::options_request("TCP");
  m.erase(m.find("Content-Length: 0\r\n"), 19);
  asio::write(client, asio::buffer(m));
  ASSERT_TRUE(h.run_until([&] { return !reader.data.empty(); }));
  EXPECT_TRUE(reader.data.starts_with("SIP/2.0 400 ")) << reader.data;
  EXPECT_TRUE(h.received.empty());
}

TEST(TransportLayer, CloseStopsEverything) {
  Harness h;
  h.start(test::config_with({Protocol::Udp, Protocol::Tcp}));
  tcp::socket client(h.io);
  client.connect(server_tcp(h));
  StreamReader reader;
  reader.start(client);
  ASSERT_TRUE(h.run_until([&] { return h.transport->connection_count() == 1; }));
  h.transport->close();
  EXPECT_EQ(h.transport->connection_count(), 0U);
  ASSERT_TRUE(h.run_until([&] { return reader.eof; }));
  EXPECT_FALSE(h.transport->send_raw("x", Target{Protocol::Udp, "127.0.0.1", 9, 0}).ok());
  EXPECT_TRUE(h.closed.empty());
}

}  // namespace
}  // namespace parley::sip::transport
