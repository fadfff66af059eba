#include "sip/transport/stream_acceptor.hpp"

#include <chrono>

#include <boost/asio/socket_base.hpp>

namespace parley::sip::transport {

namespace asio = boost::asio;
using asio::ip::tcp;

StreamAcceptor::StreamAcceptor(asio::io_context& io, const tcp::endpoint& bind, Host& host,
                               std::size_t listener)
    : acceptor_(io), backoff_(io), host_(&host), listener_(listener) {
  acceptor_.open(bind.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(bind);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  local_ = acceptor_.local_endpoint();
}

void StreamAcceptor::start() { accept_next(); }

void StreamAcceptor::accept_next() {
  acceptor_.async_accept([self = shared_from_this()](const boost::system::error_code& ec,
                                                     tcp::socket socket) {
    if (self->host_ == nullptr || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors or a transient error: retry a little later rather
      // than spin on the failing accept.
      self->backoff_.expires_after(std::chrono::milliseconds(50));
      self->backoff_.async_wait([self](const boost::system::error_code& wait_ec) {
        if (!wait_ec && self->host_ != nullptr) self->accept_next();
      });
      return;
    }
    self->host_->on_accept(self->listener_, std::move(socket));
    if (self->host_ != nullptr) self->accept_next();
  });
}

void StreamAcceptor::close() {
  host_ = nullptr;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  backoff_.cancel();
}

}  // namespace parley::sip::transport
