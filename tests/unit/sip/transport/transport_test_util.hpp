// Test helpers: a TransportLayer on 127.0.0.1 port 0 with recording
// callbacks, and loops that run the io_context until a condition holds.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <gtest/gtest.h>

#include "sip/transport/transport_layer.hpp"

namespace parley::sip::transport::test {

inline std::string options_request(std::string_view via_transport, std::string_view body = "",
                                   std::string_view via_extra = ";rport") {
  std::string m = "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n";
  m += "Via: SIP/2.0/" + std::string(via_transport) + " 10.0.0.1:5099;branch=z9hG4bK776asd" +
       std::string(via_extra) + "\r\n";
  m += "Max-Forwards: 70\r\nTo: <sip:bob@127.0.0.1>\r\nFrom: <sip:alice@example.com>;tag=19283\r\n";
  m += "Call-ID: a84b4c76e66710\r\nCSeq: 1 OPTIONS\r\n";
  m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  m += body;
  return m;
}

struct Harness {
  boost::asio::io_context io;
  std::vector<std::pair<Message, Source>> received;
  std::vector<FlowId> closed;
  std::vector<SendFailure> failures;
  std::unique_ptr<TransportLayer> transport;

  void start(TransportConfig config) {
    TransportCallbacks cb;
    cb.on_message = [this](Message&& m, const Source& s) { received.emplace_back(std::move(m), s); };
    cb.on_flow_closed = [this](FlowId f) { closed.push_back(f); };
    cb.on_send_failed = [this](const SendFailure& f) { failures.push_back(f); };
    transport = std::make_unique<TransportLayer>(io, std::move(config), std::move(cb));
    const auto st = transport->start();
    ASSERT_TRUE(st.ok()) << st.error();
  }

  // Runs the loop until `done` or the timeout; true when `done` held.
  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io.restart();
      io.run_one_for(std::chrono::milliseconds(5));
    }
    return true;
  }
};

inline TransportConfig config_with(std::initializer_list<Protocol> protocols) {
  TransportConfig c;
  for (Protocol p : protocols) c.listen.push_back(ListenSpec{p, "127.0.0.1", 0});
  return c;
}

// Collects whatever arrives on a client TCP socket driven by the same io_context.
struct StreamReader {
  std::string data;
  bool eof = false;
  std::array<char, 4096> buf{};
  template <typename Stream>
  void start(Stream& s) {
    s.async_read_some(boost::asio::buffer(buf),
                      [this, &s](const boost::system::error_code& ec, std::size_t n) {
                        if (ec) {
                          eof = true;
                          return;
                        }
                        data.append(buf.data(), n);
                        start(s);
                      });
  }
};

}  // namespace parley::sip::transport::test
