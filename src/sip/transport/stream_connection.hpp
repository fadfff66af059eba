// One SIP connection over TCP or TLS (RFC 3261 §18.3, RFC 5626 §4.4.1): the
// connect or TLS handshake with its timeout, the read loop feeding a
// StreamFramer, one write in flight with a bounded queue, and the idle timer.
// Internal to sip/transport. Owned by the TransportLayer's flow table and kept
// alive by its pending operations (shared_ptr, DESIGN.md convention 4).
// Thread: core.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include "sip/transport/stream_framer.hpp"
#include "sip/transport/transport_types.hpp"

namespace parley::sip::transport {

class StreamConnection : public std::enable_shared_from_this<StreamConnection> {
 public:
  class Host {
   public:
    virtual ~Host() = default;
    virtual TransportCounters& counters() = 0;
    // Connected (and TLS handshake done): queued messages start flowing.
    virtual void on_connection_ready(StreamConnection& c) = 0;
    // One framed message; `bytes` is valid during the call only.
    virtual void on_stream_message(StreamConnection& c, std::string_view bytes) = 0;
    // Framing lost: the host may queue an error response; the connection
    // then closes once its queue is written.
    virtual void on_stream_error(StreamConnection& c, std::string_view buffered, int status,
                                 std::string_view reason) = 0;
    // Called once; `unsent` is how many queued messages were never written.
    virtual void on_connection_closed(StreamConnection& c, std::string_view reason,
                                      std::size_t unsent) = 0;
  };

  struct Options {
    Protocol protocol = Protocol::Tcp;
    FlowId id = 0;
    std::size_t listener = kAnyListener;
    std::chrono::seconds idle_timeout{300};
    // A message begun must be complete within this time, however slowly its
    // bytes trickle in (a slowloris peer resets the idle timer forever).
    std::chrono::seconds message_timeout{30};
    std::chrono::seconds setup_timeout{10};  // connect + TLS handshake
    std::size_t max_queue_bytes = 1 << 20;
    FramerLimits framer;
  };

  // `tls` is null for TCP; for TLS it must outlive the connection.
  StreamConnection(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls,
                   const Options& options, Host& host);

  // Accepted socket: TLS server handshake (if TLS), then read.
  void start_inbound();
  // New socket: connect to `remote`, TLS client handshake (if TLS), then read.
  void start_outbound(const boost::asio::ip::tcp::endpoint& remote);

  // Queues bytes; false when the connection is closed or the queue overflowed
  // (then the connection is closed, RFC 3261 §18.4 transport error).
  bool send(std::string bytes);
  // Closes now and notifies the host once. Safe to call repeatedly.
  void close(std::string_view reason);
  // Closes once everything queued is written (after an error response).
  void close_after_flush();
  // Closes without notifying the host (shutdown).
  void detach();
  // A pinned connection carries registrations: the idle timeout leaves it
  // open, since closing it would make the registered device unreachable.
  void set_pinned(bool pinned) { pinned_ = pinned; }

  FlowId id() const { return options_.id; }
  Protocol protocol() const { return options_.protocol; }
  std::size_t listener() const { return options_.listener; }
  const std::string& remote_ip() const { return remote_ip_; }
  std::uint16_t remote_port() const { return remote_port_; }
  bool usable() const { return state_ != State::Closed && !closing_; }
  bool established() const { return state_ == State::Open; }
  bool inbound() const { return inbound_; }

 private:
  enum class State { Connecting, Handshaking, Open, Closed };

  boost::asio::ip::tcp::socket& socket();
  void set_remote(const boost::asio::ip::tcp::endpoint& ep);
  void handshake();
  void become_open();
  void read_next();
  void on_read(std::size_t n);
  void write_next();
  void arm_timer(std::chrono::steady_clock::time_point deadline);
  void on_timer();

  Options options_;
  Host* host_;
  State state_ = State::Connecting;
  bool inbound_ = false;
  bool closing_ = false;
  bool writing_ = false;
  boost::asio::ip::tcp::socket tcp_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point last_activity_;
  bool pinned_ = false;
  // When the framer started holding an incomplete message; max() when empty.
  std::chrono::steady_clock::time_point partial_since_ = std::chrono::steady_clock::time_point::max();
  std::string remote_ip_;
  std::uint16_t remote_port_ = 0;
  StreamFramer framer_;
  std::vector<char> read_buffer_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
};

}  // namespace parley::sip::transport
