#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "net/tls_context.hpp"
#include "sip/transport/transport_layer.hpp"
#include "transport_test_util.hpp"

namespace parley::sip::transport {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using asio::ip::tcp;
using test::Harness;
using test::StreamReader;

TEST(TlsTransport, HandshakeWithGeneratedCertificateAndMessagesBothWays) {
  Harness h;
  h.start(test::config_with({Protocol::Tls}));  // no certificate configured: self-signed
  ssl::context client_ctx(ssl::context::tls_client);
  client_ctx.set_verify_mode(ssl::verify_none);
  ssl::stream<tcp::socket> client(h.io, client_ctx);
  client.next_layer().connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.transport->local_port(Protocol::Tls)));
  bool handshaken = false;
  client.async_handshake(ssl::stream_base::client, [&](const boost::system::error_code& ec) {
    ASSERT_FALSE(ec) << ec.message();
    handshaken = true;
  });
  ASSERT_TRUE(h.run_until([&] { return handshaken; }));

  bool written = false;
  const std::string request = test::options_request("TLS");
  asio::async_write(client, asio::buffer(request),
                    [&](const boost::system::error_code& ec, std::size_t) { written = !ec; });
  ASSERT_TRUE(h.run_until([&] { return written && !h.received.empty(); }));
  const Source& src = h.received[0].second;
  EXPECT_EQ(src.protocol, Protocol::Tls);
  EXPECT_TRUE(src.reliable);
  EXPECT_NE(src.flow, 0U);

  StreamReader reader;
  reader.start(client);
  ASSERT_TRUE(h.transport->send_raw("SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",
                                    reply_target(src)).ok());
  ASSERT_TRUE(h.run_until([&] { return reader.data.ends_with("\r\n\r\n"); }));
  EXPECT_TRUE(reader.data.starts_with("SIP/2.0 200 OK"));
}

TEST(TlsTransport, PlainTcpToTlsPortFailsHandshakeAndCloses) {
  Harness h;
  auto config = test::config_with({Protocol::Tls});
  h.start(config);
  tcp::socket client(h.io);
  client.connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.transport->local_port(Protocol::Tls)));
  StreamReader reader;
  reader.start(client);
  asio::write(client, asio::buffer(test::options_request("TCP")));
  ASSERT_TRUE(h.run_until([&] { return reader.eof; }));
  EXPECT_TRUE(h.received.empty());
  EXPECT_EQ(h.transport->counters().tls_handshake_failures, 1U);
}

TEST(TlsTransport, SilentClientHitsTheHandshakeTimeout) {
  Harness h;
  auto config = test::config_with({Protocol::Tls});
  config.tls_handshake_timeout = std::chrono::seconds(1);
  h.start(config);
  tcp::socket client(h.io);
  client.connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.transport->local_port(Protocol::Tls)));
  StreamReader reader;
  reader.start(client);
  ASSERT_TRUE(h.run_until([&] { return reader.eof; }, std::chrono::milliseconds(4000)));
  ASSERT_TRUE(h.run_until([&] { return h.closed.size() == 1; }));
}

TEST(TlsTransport, OutboundTlsToOurOwnListener) {
  // Two layers on one loop: A connects to B over TLS and B answers on the flow.
  Harness b;
  b.start(test::config_with({Protocol::Tls}));
  Harness a;
  a.start(test::config_with({Protocol::Udp}));
  const Target t{Protocol::Tls, "127.0.0.1", b.transport->local_port(Protocol::Tls), 0};
  ASSERT_TRUE(a.transport->send_raw(test::options_request("TLS"), t).ok());
  auto both = [&] {
    a.io.restart();
    a.io.poll();
    return !b.received.empty();
  };
  ASSERT_TRUE(b.run_until(both));
  ASSERT_TRUE(b.transport->send_raw("SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 10.0.0.1:5099;branch=z9hG4bK1\r\n"
                                    "To: <sip:b@x>;tag=1\r\nFrom: <sip:a@x>;tag=2\r\nCall-ID: c\r\n"
                                    "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
                                    reply_target(b.received[0].second))
                  .ok());
  auto a_got = [&] {
    b.io.restart();
    b.io.poll();
    return !a.received.empty();
  };
  ASSERT_TRUE(a.run_until(a_got));
  EXPECT_EQ(a.received[0].first.status_code, 200);
  EXPECT_EQ(a.received[0].second.protocol, Protocol::Tls);
  EXPECT_EQ(a.transport->counters().connections_connected, 1U);
}

}  // namespace
}  // namespace parley::sip::transport
