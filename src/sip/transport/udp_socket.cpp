#include "sip/transport/udp_socket.hpp"

#include <boost/asio/socket_base.hpp>

namespace parley::sip::transport {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {
// Datagrams read per readiness wakeup before yielding to other handlers.
constexpr int kDrainBudget = 256;
}  // namespace

UdpSocket::UdpSocket(asio::io_context& io, const udp::endpoint& bind, int buffer_bytes, Host& host,
                     std::size_t listener)
    : socket_(io, bind.protocol()), host_(&host), listener_(listener) {
  // Large kernel buffers absorb bursts while the core thread is busy; the
  // kernel may clamp them (net.core.rmem_max), which is not an error.
  boost::system::error_code ignored;
  socket_.set_option(asio::socket_base::receive_buffer_size(buffer_bytes), ignored);
  socket_.set_option(asio::socket_base::send_buffer_size(buffer_bytes), ignored);
  socket_.bind(bind);
  socket_.non_blocking(true);
  local_ = socket_.local_endpoint();
}

void UdpSocket::start() { arm(); }

void UdpSocket::arm() {
  socket_.async_wait(udp::socket::wait_read,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       if (ec || self->host_ == nullptr) return;
                       self->drain();
                     });
}

void UdpSocket::drain() {
  // Readiness plus non-blocking reads: no handler allocation per datagram.
  for (int i = 0; i < kDrainBudget; ++i) {
    boost::system::error_code ec;
    const std::size_t n = socket_.receive_from(asio::buffer(buffer_), from_, 0, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec) {
      // ICMP errors from earlier sends surface here (ECONNREFUSED); the
      // socket stays usable.
      if (!socket_.is_open()) return;
      continue;
    }
    host_->on_datagram(listener_, std::string_view(buffer_.data(), n), from_);
    if (host_ == nullptr) return;  // closed from the callback
  }
  arm();
}

bool UdpSocket::send_to(std::string_view bytes, const udp::endpoint& to) {
  if (host_ == nullptr) return false;
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(bytes.data(), bytes.size()), to, 0, ec);
  return !ec;
}

void UdpSocket::close() {
  host_ = nullptr;
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace parley::sip::transport
