// Batched UDP receive (recvmmsg) and send (sendmmsg) over real loopback
// sockets: order, completeness, deferred replies, EAGAIN retry.
#include <cerrno>
#include <string>
#include <vector>

#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "sip/transport/udp_socket.hpp"
#include "transport_test_util.hpp"

namespace parley::sip::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;

std::string numbered_request(std::size_t i) {
  std::string m = test::options_request("UDP");
  m.replace(m.find("CSeq: 1 "), 8, "CSeq: " + std::to_string(i + 1) + " ");
  return m;
}

// A blocking-free client: sends on the harness loop's thread, reads with
// non-blocking receives while the harness runs.
struct Client {
  udp::socket socket;
  std::vector<std::string> received;
  explicit Client(asio::io_context& io)
      : socket(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    socket.non_blocking(true);
  }
  void send(std::string_view bytes, std::uint16_t port) {
    socket.send_to(asio::buffer(bytes.data(), bytes.size()),
                   udp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  // Reads whatever is queued; returns the total received so far.
  std::size_t poll() {
    std::array<char, 4096> buf{};
    udp::endpoint from;
    boost::system::error_code ec;
    for (;;) {
      const std::size_t n = socket.receive_from(asio::buffer(buf), from, 0, ec);
      if (ec) break;
      received.emplace_back(buf.data(), n);
    }
    return received.size();
  }
};

std::uint32_t cseq_of(const Message& m) { return m.cseq.number; }

TEST(UdpBatch, ManyDatagramsArrivingAtOnceAreAllDeliveredInOrder) {
  test::Harness h;
  h.start(test::config_with({Protocol::Udp}));
  Client client(h.io);
  // More than one wakeup's budget (256 datagrams): the rest must follow
  // without any further datagram arriving.
  constexpr std::size_t kCount = 600;
  for (std::size_t i = 0; i < kCount; ++i) {
    client.send(numbered_request(i), h.transport->local_port(Protocol::Udp));
  }
  ASSERT_TRUE(h.run_until([&] { return h.received.size() == kCount; })) << h.received.size();
  for (std::size_t i = 0; i < kCount; ++i) {
    ASSERT_EQ(cseq_of(h.received[i].first), i + 1) << i;
    EXPECT_EQ(h.received[i].second.remote_port, client.socket.local_endpoint().port());
    EXPECT_EQ(h.received[i].second.remote_ip, "127.0.0.1");
  }
  EXPECT_EQ(h.transport->counters().datagrams_in, kCount);
}

TEST(UdpBatch, RepliesToABatchAreDeferredToItsEndAndAllGoOutInOrder) {
  test::Harness h;
  h.start(test::config_with({Protocol::Udp}));
  std::size_t delivered = 0;
  std::size_t sent_during_callbacks = 0;
  TransportCallbacks cb;
  cb.on_message = [&](Message&& m, const Source& s) {
    ++delivered;
    const std::string reply = "SIP/2.0 200 OK\r\nCSeq: " + std::to_string(cseq_of(m)) +
                              " OPTIONS\r\nContent-Length: 0\r\n\r\n";
    ASSERT_TRUE(h.transport->send_raw(reply, reply_target(s)).ok());
    sent_during_callbacks += h.transport->counters().datagrams_out;
  };
  h.transport->set_callbacks(cb);
  Client client(h.io);
  constexpr std::size_t kCount = 100;
  for (std::size_t i = 0; i < kCount; ++i) {
    client.send(numbered_request(i), h.transport->local_port(Protocol::Udp));
  }
  ASSERT_TRUE(h.run_until([&] { return client.poll() == kCount; })) << client.received.size();
  EXPECT_EQ(delivered, kCount);
  // The first batch's replies were all queued while it was handled.
  EXPECT_LT(sent_during_callbacks, kCount * (kCount - 1) / 2);
  for (std::size_t i = 0; i < kCount; ++i) {
    EXPECT_NE(client.received[i].find("CSeq: " + std::to_string(i + 1) + " "), std::string::npos)
        << i << ": " << client.received[i];
  }
  EXPECT_EQ(h.transport->counters().datagrams_out, kCount);
  EXPECT_EQ(h.transport->counters().udp_send_drops, 0U);
}

TEST(UdpBatch, SendOutsideABatchLeavesAtOnce) {
  test::Harness h;
  h.start(test::config_with({Protocol::Udp}));
  Client client(h.io);
  Target t{Protocol::Udp, "127.0.0.1", client.socket.local_endpoint().port(), 0, 0};
  ASSERT_TRUE(h.transport->send_raw("SIP/2.0 200 OK\r\n\r\n", t).ok());
  EXPECT_EQ(h.transport->counters().datagrams_out, 1U);  // not waiting for any batch
  ASSERT_TRUE(h.run_until([&] { return client.poll() == 1; }));
  EXPECT_EQ(client.received[0], "SIP/2.0 200 OK\r\n\r\n");
}

// A host that answers every datagram through the socket's deferred queue.
struct EchoHost : UdpSocket::Host {
  UdpSocket* socket = nullptr;
  TransportCounters stats;
  std::size_t datagrams = 0;
  void on_batch_begin() override {}
  void on_batch_end() override { socket->flush(); }
  void on_datagram(std::size_t, std::string_view bytes, const udp::endpoint& from) override {
    ++datagrams;
    EXPECT_TRUE(socket->send_to(bytes, from, true));
  }
  TransportCounters& counters() override { return stats; }
};

// The kernel refuses the first `refusals` sendmmsg calls with EAGAIN.
class RefusingSocket : public UdpSocket {
 public:
  using UdpSocket::UdpSocket;
  int refusals = 1;
  int calls = 0;

 protected:
  int send_batch(mmsghdr* messages, unsigned count) override {
    ++calls;
    if (refusals > 0) {
      --refusals;
      errno = EAGAIN;
      return -1;
    }
    return UdpSocket::send_batch(messages, count);
  }
};

TEST(UdpBatch, SendThatHitsEagainIsRetriedWhenWritableInOrder) {
  asio::io_context io;
  EchoHost host;
  auto sock = std::make_shared<RefusingSocket>(
      io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0), 1 << 20, 65535, host, 0);
  host.socket = sock.get();
  sock->start();
  Client client(io);
  constexpr std::size_t kCount = 10;
  for (std::size_t i = 0; i < kCount; ++i) {
    client.send("ping " + std::to_string(i), sock->local_endpoint().port());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (client.poll() < kCount && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_one_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(client.received.size(), kCount);
  for (std::size_t i = 0; i < kCount; ++i) EXPECT_EQ(client.received[i], "ping " + std::to_string(i));
  EXPECT_GE(sock->calls, 2);  // refused once, then sent after the writable wait
  EXPECT_EQ(host.stats.datagrams_out, kCount);
  EXPECT_EQ(host.stats.udp_send_drops, 0U);
  sock->close();
}

TEST(UdpBatch, OversizedDatagramIsCutSoTheHostSeesItTooLarge) {
  asio::io_context io;
  struct SizeHost : EchoHost {
    std::vector<std::size_t> sizes;
    void on_datagram(std::size_t, std::string_view bytes, const udp::endpoint&) override {
      sizes.push_back(bytes.size());
    }
  } host;
  auto sock = std::make_shared<UdpSocket>(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0),
                                          1 << 20, 1000, host, 0);
  host.socket = sock.get();
  sock->start();
  Client client(io);
  client.send(std::string(5000, 'x'), sock->local_endpoint().port());
  client.send(std::string(1000, 'y'), sock->local_endpoint().port());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (host.sizes.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_one_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(host.sizes.size(), 2U);
  EXPECT_EQ(host.sizes[0], 1001U);
  EXPECT_EQ(host.sizes[1], 1000U);
  sock->close();
}

}  // namespace
}  // namespace parley::sip::transport
