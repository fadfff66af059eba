// Server-side CPU per UDP datagram of the SIP transport over loopback: a
// TransportLayer on its own thread answers every OPTIONS with a fixed 200
// (parse + Via stamp + callback + reply send); a client thread keeps
// `window` requests in flight. Reports the server thread's CPU time
// (CLOCK_THREAD_CPUTIME_ID), not wall time: the machine is shared.
// Usage: bench_udp_transport [requests=200000] [window...=1 8 32]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "sip/transport/transport_layer.hpp"

namespace {

using namespace parley::sip::transport;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string request(std::size_t i) {
  std::string m = "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n";
  m += "Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK" + std::to_string(i) + ";rport\r\n";
  m += "Max-Forwards: 70\r\nTo: <sip:bob@127.0.0.1>\r\nFrom: <sip:alice@example.com>;tag=1\r\n";
  m += "Call-ID: c" + std::to_string(i) + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  return m;
}

// Sends `total` requests keeping `window` unanswered; returns replies seen.
std::size_t run_client(std::uint16_t port, std::size_t total, std::size_t window) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string req = request(1);
  char buf[2048];
  std::size_t sent = 0;
  std::size_t got = 0;
  while (got < total) {
    while (sent < total && sent - got < window) {
      ::sendto(fd, req.data(), req.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
      ++sent;
    }
    if (::recv(fd, buf, sizeof buf, 0) <= 0) break;  // lost: stop rather than hang
    ++got;
  }
  ::close(fd);
  return got;
}

void measure(std::size_t total, std::size_t window) {
  boost::asio::io_context io(1);
  TransportConfig config;
  config.listen.push_back(ListenSpec{Protocol::Udp, "127.0.0.1", 0});
  TransportLayer transport(io, config);
  const std::string reply = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";
  TransportCallbacks cb;
  cb.on_message = [&](parley::sip::Message&&, const Source& s) {
    (void)transport.send_raw(reply, reply_target(s));
  };
  transport.set_callbacks(cb);
  if (!transport.start()) std::abort();
  auto guard = boost::asio::make_work_guard(io);
  std::atomic<double> server_cpu{0};
  std::thread server([&] {
    const double c0 = thread_cpu_seconds();
    io.run();
    server_cpu = thread_cpu_seconds() - c0;
  });
  const std::size_t got = run_client(transport.local_port(Protocol::Udp), total, window);
  guard.reset();
  io.stop();
  server.join();
  const auto& c = transport.counters();
  std::printf("window %3zu: %zu/%zu answered, server CPU %.2f us per request (in %llu, out %llu)\n",
              window, got, total, server_cpu.load() * 1e6 / static_cast<double>(got),
              static_cast<unsigned long long>(c.datagrams_in),
              static_cast<unsigned long long>(c.datagrams_out));
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t total = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200000;
  std::vector<std::size_t> windows;
  for (int i = 2; i < argc; ++i) windows.push_back(std::strtoul(argv[i], nullptr, 10));
  if (windows.empty()) windows = {1, 8, 32};
  for (std::size_t w : windows) measure(total, w);
  return 0;
}
