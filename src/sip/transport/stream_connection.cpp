#include "sip/transport/stream_connection.hpp"

#include <boost/asio/write.hpp>

namespace parley::sip::transport {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {
constexpr std::size_t kReadChunk = 16384;
}  // namespace

StreamConnection::StreamConnection(tcp::socket socket, asio::ssl::context* tls,
                                   const Options& options, Host& host)
    : options_(options),
      host_(&host),
      tcp_(socket.get_executor()),
      timer_(socket.get_executor()),
      framer_(options.framer),
      read_buffer_(kReadChunk) {
  if (tls != nullptr) {
    tls_.emplace(std::move(socket), *tls);
  } else {
    tcp_ = std::move(socket);
  }
}

tcp::socket& StreamConnection::socket() { return tls_ ? tls_->next_layer() : tcp_; }

void StreamConnection::set_remote(const tcp::endpoint& ep) {
  remote_ip_ = ep.address().to_string();
  remote_port_ = ep.port();
}

void StreamConnection::start_inbound() {
  inbound_ = true;
  boost::system::error_code ec;
  const tcp::endpoint remote = socket().remote_endpoint(ec);
  if (ec) {
    close("peer gone before start");
    return;
  }
  set_remote(remote);
  if (tls_) {
    arm_timer(Clock::now() + options_.setup_timeout);
    handshake();
  } else {
    become_open();
  }
}

void StreamConnection::start_outbound(const tcp::endpoint& remote) {
  set_remote(remote);
  arm_timer(Clock::now() + options_.setup_timeout);
  socket().async_connect(remote, [self = shared_from_this()](const boost::system::error_code& ec) {
    if (self->state_ == State::Closed) return;
    if (ec) {
      self->close("connect failed: " + ec.message());
      return;
    }
    if (self->tls_) {
      self->handshake();
    } else {
      self->become_open();
    }
  });
}

void StreamConnection::handshake() {
  state_ = State::Handshaking;
  const auto role = inbound_ ? asio::ssl::stream_base::server : asio::ssl::stream_base::client;
  tls_->async_handshake(role, [self = shared_from_this()](const boost::system::error_code& ec) {
    if (self->state_ == State::Closed) return;
    if (ec) {
      if (self->host_ != nullptr) ++self->host_->counters().tls_handshake_failures;
      self->close("tls handshake failed: " + ec.message());
      return;
    }
    self->become_open();
  });
}

void StreamConnection::become_open() {
  state_ = State::Open;
  boost::system::error_code ignored;
  // SIP messages are small and latency-bound: no Nagle delay.
  socket().set_option(tcp::no_delay(true), ignored);
  last_activity_ = Clock::now();
  if (options_.idle_timeout.count() > 0) {
    arm_timer(last_activity_ + options_.idle_timeout);
  } else {
    timer_.cancel();
  }
  host_->on_connection_ready(*this);
  if (state_ == State::Closed) return;
  write_next();
  read_next();
}

void StreamConnection::read_next() {
  auto handler = [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
    if (self->state_ == State::Closed) return;
    if (ec) {
      self->close(ec == asio::error::eof ? "closed by peer" : "read error: " + ec.message());
      return;
    }
    self->on_read(n);
  };
  if (tls_) {
    tls_->async_read_some(asio::buffer(read_buffer_), std::move(handler));
  } else {
    tcp_.async_read_some(asio::buffer(read_buffer_), std::move(handler));
  }
}

void StreamConnection::on_read(std::size_t n) {
  // Any bytes, keepalive pings included, count as traffic for the idle timer.
  last_activity_ = Clock::now();
  host_->counters().bytes_in += n;
  framer_.feed(std::string_view(read_buffer_.data(), n));
  for (;;) {
    const StreamFramer::Frame frame = framer_.next();
    if (frame.kind == StreamFramer::Kind::NeedMore) break;
    if (frame.kind == StreamFramer::Kind::Ping) {
      // RFC 5626 §4.4.1: answer a CRLFCRLF ping with a single CRLF pong.
      ++host_->counters().keepalive_pings;
      send("\r\n");
    } else if (frame.kind == StreamFramer::Kind::Message) {
      host_->on_stream_message(*this, frame.bytes);
    } else {
      host_->on_stream_error(*this, frame.bytes, frame.status, frame.reason);
      close_after_flush();
      return;
    }
    // The upper layer may have closed us, or everything, from its callback.
    if (state_ == State::Closed || host_ == nullptr) return;
  }
  if (framer_.buffered() == 0) {
    partial_since_ = Clock::time_point::max();
  } else if (partial_since_ == Clock::time_point::max()) {
    partial_since_ = last_activity_;
    // The idle timer may be further away (or off): bring it forward.
    if (options_.idle_timeout.count() == 0 || options_.message_timeout < options_.idle_timeout) {
      arm_timer(partial_since_ + options_.message_timeout);
    }
  }
  if (!closing_) read_next();
}

bool StreamConnection::send(std::string bytes) {
  if (state_ == State::Closed || closing_) return false;
  if (queued_bytes_ + bytes.size() > options_.max_queue_bytes) {
    // A peer that does not read must not make us buffer without bound.
    ++host_->counters().write_queue_overflows;
    close("write queue overflow");
    return false;
  }
  queued_bytes_ += bytes.size();
  queue_.push_back(std::move(bytes));
  if (state_ == State::Open) write_next();
  return true;
}

void StreamConnection::write_next() {
  if (writing_ || queue_.empty() || state_ != State::Open) return;
  writing_ = true;
  auto handler = [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
    self->writing_ = false;
    if (self->state_ == State::Closed) return;
    if (ec) {
      self->close("write error: " + ec.message());
      return;
    }
    self->host_->counters().bytes_out += n;
    self->queued_bytes_ -= self->queue_.front().size();
    self->queue_.pop_front();
    self->last_activity_ = Clock::now();
    if (self->queue_.empty() && self->closing_) {
      self->close("closed after error response");
      return;
    }
    self->write_next();
  };
  const asio::const_buffer buf(queue_.front().data(), queue_.front().size());
  if (tls_) {
    asio::async_write(*tls_, buf, std::move(handler));
  } else {
    asio::async_write(tcp_, buf, std::move(handler));
  }
}

void StreamConnection::close_after_flush() {
  closing_ = true;
  if (!writing_ && queue_.empty()) close("closed after error");
}

void StreamConnection::arm_timer(Clock::time_point deadline) {
  timer_.expires_at(deadline);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->state_ == State::Closed) return;
    self->on_timer();
  });
}

void StreamConnection::on_timer() {
  if (state_ != State::Open) {
    if (state_ == State::Handshaking) ++host_->counters().tls_handshake_failures;
    close(state_ == State::Connecting ? "connect timeout" : "tls handshake timeout");
    return;
  }
  constexpr auto kNever = Clock::time_point::max();
  const auto now = Clock::now();
  auto idle_deadline =
      options_.idle_timeout.count() > 0 ? last_activity_ + options_.idle_timeout : kNever;
  const auto message_deadline =
      partial_since_ != kNever ? partial_since_ + options_.message_timeout : kNever;
  if (now >= message_deadline) {
    ++host_->counters().idle_closes;
    close("incomplete message timeout");
    return;
  }
  if (now >= idle_deadline) {
    if (!pinned_) {
      ++host_->counters().idle_closes;
      close("idle timeout");
      return;
    }
    idle_deadline = now + options_.idle_timeout;
  }
  const auto next = std::min(idle_deadline, message_deadline);
  if (next != kNever) arm_timer(next);
}

void StreamConnection::close(std::string_view reason) {
  if (state_ == State::Closed) return;
  state_ = State::Closed;
  timer_.cancel();
  boost::system::error_code ignored;
  socket().shutdown(tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
  const std::size_t unsent = queue_.size();
  queue_.clear();
  queued_bytes_ = 0;
  Host* host = host_;
  host_ = nullptr;
  if (host != nullptr) host->on_connection_closed(*this, reason, unsent);
}

void StreamConnection::detach() {
  host_ = nullptr;
  close("shutdown");
}

}  // namespace parley::sip::transport
