// A TCP or TLS listening socket of the SIP transport: accepts connections and
// hands each socket to the TransportLayer, which decides (connection limit)
// and wraps it in a StreamConnection. Internal to sip/transport; owned by the
// TransportLayer (shared_ptr, kept alive by its pending accept). Thread: core.
#pragma once

#include <cstddef>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace parley::sip::transport {

class StreamAcceptor : public std::enable_shared_from_this<StreamAcceptor> {
 public:
  class Host {
   public:
    virtual ~Host() = default;
    virtual void on_accept(std::size_t listener, boost::asio::ip::tcp::socket socket) = 0;
  };

  // Binds and listens; throws boost::system::system_error on failure.
  StreamAcceptor(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& bind,
                 Host& host, std::size_t listener);

  void start();
  void close();
  boost::asio::ip::tcp::endpoint local_endpoint() const { return local_; }

 private:
  void accept_next();

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  boost::asio::ip::tcp::endpoint local_;
  Host* host_;
  std::size_t listener_;
};

}  // namespace parley::sip::transport
