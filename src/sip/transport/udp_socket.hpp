// One bound UDP socket of the SIP transport (RFC 3261 §18): drains datagrams
// with non-blocking reads after each readiness wait, into one reused 64 KiB
// buffer, and sends without queueing. Internal to sip/transport; owned by the
// TransportLayer (shared_ptr, kept alive by its pending wait). Thread: core.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

namespace parley::sip::transport {

class UdpSocket : public std::enable_shared_from_this<UdpSocket> {
 public:
  class Host {
   public:
    virtual ~Host() = default;
    // `bytes` is valid during the call only.
    virtual void on_datagram(std::size_t listener, std::string_view bytes,
                             const boost::asio::ip::udp::endpoint& from) = 0;
  };

  // Binds; throws boost::system::system_error when the address is unusable.
  UdpSocket(boost::asio::io_context& io, const boost::asio::ip::udp::endpoint& bind,
            int buffer_bytes, Host& host, std::size_t listener);

  void start();
  // Sends at once; false when the datagram could not be handed to the kernel.
  bool send_to(std::string_view bytes, const boost::asio::ip::udp::endpoint& to);
  // Stops delivery; pending waits complete as aborted.
  void close();
  boost::asio::ip::udp::endpoint local_endpoint() const { return local_; }

 private:
  void arm();
  void drain();

  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint local_;
  boost::asio::ip::udp::endpoint from_;
  Host* host_;
  std::size_t listener_;
  std::array<char, 65536> buffer_;
};

}  // namespace parley::sip::transport
