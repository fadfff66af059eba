#include <chrono>
#include <cstdio>

#include <gtest/gtest.h>

#include "transport_test_util.hpp"

namespace parley::sip::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;

// Correctness under load, and a printed rate (the design target is more than
// 20,000 datagrams/s through parse + stamp + callback + reply on one core).
// No timing assertion: CI machines are shared.
TEST(UdpThroughput, TenThousandRequestsAreAllDeliveredAndAnswered) {
  test::Harness h;
  h.start(test::config_with({Protocol::Udp}));
  std::size_t delivered = 0;
  TransportCallbacks cb;
  cb.on_message = [&](Message&& m, const Source& s) {
    ++delivered;
    (void)m;
    (void)h.transport->send_raw("SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", reply_target(s));
  };
  h.transport->set_callbacks(cb);

  udp::socket client(h.io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const udp::endpoint server(asio::ip::make_address("127.0.0.1"),
                             h.transport->local_port(Protocol::Udp));
  const std::string request = test::options_request("UDP");
  constexpr std::size_t kTotal = 10000;
  constexpr std::size_t kBatch = 100;  // stays inside default kernel buffers
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t sent = 0; sent < kTotal; sent += kBatch) {
    for (std::size_t i = 0; i < kBatch; ++i) client.send_to(asio::buffer(request), server);
    ASSERT_TRUE(h.run_until([&] { return delivered == sent + kBatch; })) << delivered;
    // Drain the replies so the client's buffer never fills.
    std::array<char, 2048> buf{};
    udp::endpoint from;
    boost::system::error_code ec;
    client.non_blocking(true);
    while (client.receive_from(asio::buffer(buf), from, 0, ec) > 0 && !ec) {
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("udp: %zu requests in %.3f s = %.0f/s (client send included)\n", kTotal, secs,
              kTotal / secs);
  EXPECT_EQ(h.transport->counters().datagrams_in, kTotal);
  EXPECT_EQ(h.transport->counters().datagrams_out, kTotal);
  EXPECT_EQ(h.transport->counters().parse_errors, 0U);
}

}  // namespace
}  // namespace parley::sip::transport
