#include "sip/transport/transport_layer.hpp"

#include <exception>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include "base/log.hpp"
#include "net/tls_context.hpp"
#include "sip/message/parser.hpp"
#include "sip/message/serializer.hpp"
#include "sip/transport/peer_address.hpp"
#include "sip/transport/stream_acceptor.hpp"
#include "sip/transport/stream_connection.hpp"
#include "sip/transport/udp_socket.hpp"
#include "sip/transport/via_stamp.hpp"

namespace parley::sip::transport {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

class TransportLayer::Impl final : public UdpSocket::Host,
                                   public StreamAcceptor::Host,
                                   public StreamConnection::Host {
 public:
  Impl(asio::io_context& io, TransportConfig config, TransportCallbacks callbacks)
      : io_(io),
        config_(std::move(config)),
        callbacks_(std::move(callbacks)),
        log_(log::get("sip.transport")) {}
  ~Impl() override { close(); }

  Status<std::string> start();
  void close();
  Result<FlowId, std::string> send_raw(std::string bytes, const Target& t);
  Result<FlowId, std::string> send_udp_checked(std::string_view bytes, const Target& t) {
    if (closed_ || !started_) return fail(std::string("transport not running"));
    return send_udp(bytes, t);
  }

  // UdpSocket::Host, StreamAcceptor::Host, StreamConnection::Host.
  void on_batch_begin() override { in_udp_batch_ = true; }
  void on_batch_end() override;
  void on_datagram(std::size_t listener, std::string_view bytes, const udp::endpoint& from) override;
  void on_accept(std::size_t listener, tcp::socket socket) override;
  TransportCounters& counters() override { return counters_; }
  void on_connection_ready(StreamConnection& c) override;
  void on_stream_message(StreamConnection& c, std::string_view bytes) override;
  void on_stream_error(StreamConnection& c, std::string_view buffered, int status,
                       std::string_view reason) override;
  void on_connection_closed(StreamConnection& c, std::string_view reason,
                            std::size_t unsent) override;

  struct Slot {
    std::shared_ptr<UdpSocket> udp;
    std::shared_ptr<StreamAcceptor> acceptor;
  };

  asio::io_context& io_;
  TransportConfig config_;
  TransportCallbacks callbacks_;
  std::shared_ptr<spdlog::logger> log_;
  TransportCounters counters_;
  std::vector<BoundListener> bound_;
  std::vector<Slot> slots_;
  std::unordered_map<FlowId, std::shared_ptr<StreamConnection>> flows_;
  std::unordered_map<std::string, FlowId> by_remote_;
  std::shared_ptr<asio::ssl::context> server_tls_;
  std::shared_ptr<asio::ssl::context> client_tls_;
  FlowId next_flow_ = 1;
  std::size_t first_listener(Protocol p) const;
  bool started_ = false;
  bool closed_ = false;
  // Inside a received UDP batch: UDP sends are queued and leave together
  // (sendmmsg) when the batch ends, not one sendto each.
  bool in_udp_batch_ = false;

 private:
  void deliver(std::string_view bytes, Framing framing, const Source& src);
  void reject(std::string_view bytes, const ParseError& error, const Source& src);
  Result<FlowId, std::string> send_udp(std::string_view bytes, const Target& t);
  Result<FlowId, std::string> send_stream(std::string bytes, const Target& t);
  Result<std::shared_ptr<StreamConnection>, std::string> open_outbound(const Target& t);
  StreamConnection::Options connection_options(Protocol p, std::size_t listener);
  void bind_listener(std::size_t index, const ListenSpec& spec);
};

// ---- start / close ---------------------------------------------------------

void TransportLayer::Impl::bind_listener(std::size_t index, const ListenSpec& spec) {
  const asio::ip::address addr = asio::ip::make_address(spec.host);
  Slot slot;
  BoundListener bound{spec.protocol, addr.to_string(), 0};
  if (spec.protocol == Protocol::Udp) {
    slot.udp = std::make_shared<UdpSocket>(io_, udp::endpoint(addr, spec.port),
                                           config_.socket_buffer_bytes,
                                           config_.limits.max_message_size, *this, index);
    bound.port = slot.udp->local_endpoint().port();
  } else {
    if (spec.protocol == Protocol::Tls && !server_tls_) {
      server_tls_ = net::make_server_context(config_.tls_certificate, config_.tls_private_key);
    }
    slot.acceptor = std::make_shared<StreamAcceptor>(io_, tcp::endpoint(addr, spec.port), *this,
                                                     index);
    bound.port = slot.acceptor->local_endpoint().port();
  }
  slots_.push_back(std::move(slot));
  bound_.push_back(std::move(bound));
}

Status<std::string> TransportLayer::Impl::start() {
  if (started_) return fail(std::string("transport already started"));
  started_ = true;
  for (std::size_t i = 0; i < config_.listen.size(); ++i) {
    const ListenSpec& spec = config_.listen[i];
    try {
      bind_listener(i, spec);
    } catch (const std::exception& e) {
      close();
      return fail("cannot listen on " + std::string(to_string(spec.protocol)) + " " + spec.host +
                  ":" + std::to_string(spec.port) + ": " + e.what());
    }
  }
  for (Slot& s : slots_) {
    if (s.udp) s.udp->start();
    if (s.acceptor) s.acceptor->start();
  }
  for (const BoundListener& b : bound_) {
    log_->info("event=listening transport={} ip={} port={}", to_string(b.protocol), b.ip, b.port);
  }
  return Ok{};
}

void TransportLayer::Impl::close() {
  if (closed_) return;
  closed_ = true;
  for (Slot& s : slots_) {
    if (s.udp) s.udp->close();
    if (s.acceptor) s.acceptor->close();
  }
  // Detached connections die when their last pending handler completes.
  auto flows = std::move(flows_);
  flows_.clear();
  by_remote_.clear();
  for (auto& [id, conn] : flows) conn->detach();
  counters_.connections_open = 0;
}

// ---- inbound ---------------------------------------------------------------

void TransportLayer::Impl::on_batch_end() {
  in_udp_batch_ = false;
  // Any listener may have been replied from (Target::listener), not only
  // the one that received the batch.
  for (Slot& s : slots_) {
    if (s.udp && s.udp->has_queued()) s.udp->flush();
  }
}

void TransportLayer::Impl::on_datagram(std::size_t listener, std::string_view bytes,
                                       const udp::endpoint& from) {
  ++counters_.datagrams_in;
  counters_.bytes_in += bytes.size();
  if (is_udp_keepalive(bytes)) return;
  Source src;
  src.protocol = Protocol::Udp;
  src.remote_ip = address_text(from.address());
  src.remote_port = from.port();
  src.listener = listener;
  deliver(bytes, Framing::Datagram, src);
}

void TransportLayer::Impl::deliver(std::string_view bytes, Framing framing, const Source& src) {
  // Nothing thrown by a parser bug or a callback may escape into io_context::run.
  try {
    if (bytes.size() > config_.limits.max_message_size) {
      reject(bytes, ParseError{513, "Message Too Large"}, src);
      return;
    }
    // Parsed in place and handed on from here: a Message is large, a move costs.
    Message message;
    if (auto error = parse_message_into(bytes, framing, config_.limits, message)) {
      reject(bytes, *error, src);
      return;
    }
    // RFC 3261 §18.2.1, RFC 3581 §4.
    if (message.is_request()) stamp_received(message, src.remote_ip, src.remote_port);
    if (callbacks_.on_message) callbacks_.on_message(std::move(message), src);
  } catch (const std::exception& e) {
    log_->error("event=inbound_exception transport={} remote={}:{} what=\"{}\"",
                to_string(src.protocol), src.remote_ip, src.remote_port, e.what());
  }
}

void TransportLayer::Impl::reject(std::string_view bytes, const ParseError& error,
                                  const Source& src) {
  ++counters_.parse_errors;
  log_->debug("event=parse_error transport={} remote={}:{} status={} reason=\"{}\"",
              to_string(src.protocol), src.remote_ip, src.remote_port, error.status, error.reason);
  const auto reply = stateless_error_reply(bytes, error);
  if (!reply) return;
  if (send_raw(*reply, reply_target(src))) ++counters_.error_responses;
}

void TransportLayer::Impl::on_accept(std::size_t listener, tcp::socket socket) {
  if (closed_) return;
  if (flows_.size() >= config_.max_connections) {
    ++counters_.connections_refused;
    log_->warn("event=connection_refused reason=max_connections limit={}",
               config_.max_connections);
    boost::system::error_code ignored;
    socket.close(ignored);
    return;
  }
  const Protocol p = bound_[listener].protocol;
  auto conn = std::make_shared<StreamConnection>(
      std::move(socket), p == Protocol::Tls ? server_tls_.get() : nullptr,
      connection_options(p, listener), *this);
  flows_.emplace(conn->id(), conn);
  counters_.connections_open = flows_.size();
  ++counters_.connections_accepted;
  conn->start_inbound();
  // Requests to this peer reuse its connection (RFC 3261 §18.1.1, RFC 5626).
  if (conn->usable()) by_remote_[remote_key(p, conn->remote_ip(), conn->remote_port())] = conn->id();
}

void TransportLayer::Impl::on_connection_ready(StreamConnection& c) {
  if (!c.inbound()) ++counters_.connections_connected;
  log_->debug("event=connection_ready flow={} transport={} remote={}:{}", c.id(),
              to_string(c.protocol()), c.remote_ip(), c.remote_port());
}

void TransportLayer::Impl::on_stream_message(StreamConnection& c, std::string_view bytes) {
  ++counters_.stream_messages_in;
  Source src;
  src.protocol = c.protocol();
  src.remote_ip = c.remote_ip();
  src.remote_port = c.remote_port();
  src.listener = c.listener();
  src.flow = c.id();
  src.reliable = true;
  deliver(bytes, Framing::Stream, src);
}

void TransportLayer::Impl::on_stream_error(StreamConnection& c, std::string_view buffered,
                                           int status, std::string_view reason) {
  ++counters_.parse_errors;
  log_->debug("event=framing_error flow={} remote={}:{} status={} reason=\"{}\"", c.id(),
              c.remote_ip(), c.remote_port(), status, reason);
  const auto reply = stateless_error_reply(buffered, ParseError{status, std::string(reason)});
  if (reply && c.send(*reply)) {
    ++counters_.error_responses;
    ++counters_.stream_messages_out;
  }
}

void TransportLayer::Impl::on_connection_closed(StreamConnection& c, std::string_view reason,
                                                std::size_t unsent) {
  const FlowId id = c.id();
  const auto it = flows_.find(id);
  if (it == flows_.end()) return;
  const std::shared_ptr<StreamConnection> keep = it->second;  // `c` lives to the end
  flows_.erase(it);
  const std::string key = remote_key(c.protocol(), c.remote_ip(), c.remote_port());
  if (const auto r = by_remote_.find(key); r != by_remote_.end() && r->second == id) {
    by_remote_.erase(r);
  }
  counters_.connections_open = flows_.size();
  ++counters_.connections_closed;
  log_->debug("event=connection_closed flow={} remote={}:{} reason=\"{}\" unsent={}", id,
              c.remote_ip(), c.remote_port(), reason, unsent);
  if (unsent > 0) {
    ++counters_.send_failures;
    if (callbacks_.on_send_failed) {
      Target t{c.protocol(), c.remote_ip(), c.remote_port(), id, c.listener()};
      callbacks_.on_send_failed(SendFailure{id, std::move(t), std::string(reason)});
    }
  }
  if (callbacks_.on_flow_closed) callbacks_.on_flow_closed(id);
}

// ---- outbound --------------------------------------------------------------

Result<FlowId, std::string> TransportLayer::Impl::send_raw(std::string bytes, const Target& t) {
  if (t.protocol == Protocol::Udp) return send_udp_checked(bytes, t);
  if (closed_ || !started_) return fail(std::string("transport not running"));
  return send_stream(std::move(bytes), t);
}

Result<FlowId, std::string> TransportLayer::Impl::send_udp(std::string_view bytes,
                                                           const Target& t) {
  boost::system::error_code ec;
  const asio::ip::address addr = asio::ip::make_address(t.ip, ec);
  if (ec) return fail("not an IP address: " + t.ip);
  UdpSocket* sock = nullptr;
  if (t.listener < slots_.size() && slots_[t.listener].udp) {
    sock = slots_[t.listener].udp.get();
  } else {
    for (const Slot& s : slots_) {
      if (s.udp && s.udp->local_endpoint().address().is_v4() == addr.is_v4()) {
        sock = s.udp.get();
        break;
      }
    }
  }
  if (sock == nullptr) return fail(std::string("no UDP listener for this address family"));
  // The socket counts datagrams_out/bytes_out when the kernel takes the
  // datagram, udp_send_drops/send_failures when it refuses it. A queued
  // datagram that fails later at the flush is only counted.
  if (!sock->send_to(bytes, udp::endpoint(addr, t.port), in_udp_batch_)) {
    return fail(std::string("UDP send failed"));
  }
  return FlowId{0};
}

Result<FlowId, std::string> TransportLayer::Impl::send_stream(std::string bytes, const Target& t) {
  std::shared_ptr<StreamConnection> conn;
  if (t.flow != 0) {
    if (const auto it = flows_.find(t.flow); it != flows_.end() && it->second->usable()) {
      conn = it->second;
    } else if (t.ip.empty()) {
      return fail(std::string("flow closed"));
    }
  }
  if (!conn) {
    const auto r = by_remote_.find(remote_key(t.protocol, t.ip, t.port));
    if (r != by_remote_.end()) {
      if (const auto it = flows_.find(r->second); it != flows_.end() && it->second->usable()) {
        conn = it->second;
      }
    }
  }
  if (!conn) {
    auto opened = open_outbound(t);
    if (!opened) return fail(opened.error());
    conn = std::move(opened).value();
  }
  const FlowId id = conn->id();
  if (!conn->send(std::move(bytes))) return fail(std::string("connection closed or queue full"));
  ++counters_.stream_messages_out;
  return id;
}

Result<std::shared_ptr<StreamConnection>, std::string> TransportLayer::Impl::open_outbound(
    const Target& t) {
  boost::system::error_code ec;
  const asio::ip::address addr = asio::ip::make_address(t.ip, ec);
  if (ec || t.port == 0) return fail("not an IP address and port: " + t.ip);
  if (flows_.size() >= config_.max_connections) {
    ++counters_.connections_refused;
    return fail(std::string("connection limit reached"));
  }
  if (t.protocol == Protocol::Tls && !client_tls_) {
    try {
      client_tls_ = net::make_client_context(config_.tls_verify_server);
    } catch (const std::exception& e) {
      return fail("TLS client context: " + std::string(e.what()));
    }
  }
  auto conn = std::make_shared<StreamConnection>(
      tcp::socket(io_), t.protocol == Protocol::Tls ? client_tls_.get() : nullptr,
      connection_options(t.protocol, first_listener(t.protocol)), *this);
  flows_.emplace(conn->id(), conn);
  by_remote_[remote_key(t.protocol, t.ip, t.port)] = conn->id();
  counters_.connections_open = flows_.size();
  conn->start_outbound(tcp::endpoint(addr, t.port));
  return conn;
}

StreamConnection::Options TransportLayer::Impl::connection_options(Protocol p,
                                                                   std::size_t listener) {
  StreamConnection::Options o;
  o.protocol = p;
  o.id = next_flow_++;
  o.listener = listener;
  o.idle_timeout = config_.idle_timeout;
  o.message_timeout = config_.idle_timeout.count() > 0
                          ? std::min(config_.message_timeout, config_.idle_timeout)
                          : config_.message_timeout;
  o.setup_timeout = p == Protocol::Tls ? config_.tls_handshake_timeout : config_.connect_timeout;
  o.max_queue_bytes = config_.max_write_queue_bytes;
  o.framer.max_header_bytes = config_.max_header_bytes;
  o.framer.max_message_bytes = config_.limits.max_message_size;
  return o;
}

std::size_t TransportLayer::Impl::first_listener(Protocol p) const {
  for (std::size_t i = 0; i < bound_.size(); ++i) {
    if (bound_[i].protocol == p) return i;
  }
  return kAnyListener;
}

// ---- public facade ---------------------------------------------------------

TransportLayer::TransportLayer(asio::io_context& io, TransportConfig config,
                               TransportCallbacks callbacks)
    : impl_(std::make_unique<Impl>(io, std::move(config), std::move(callbacks))) {}

TransportLayer::~TransportLayer() = default;

void TransportLayer::set_callbacks(TransportCallbacks callbacks) {
  impl_->callbacks_ = std::move(callbacks);
}

Status<std::string> TransportLayer::start() { return impl_->start(); }
void TransportLayer::close() { impl_->close(); }

Result<FlowId, std::string> TransportLayer::send(const Message& message, const Target& target) {
  return impl_->send_raw(serialize(message), target);
}

void TransportLayer::begin_send_batch() { impl_->on_batch_begin(); }

void TransportLayer::end_send_batch() { impl_->on_batch_end(); }

Result<FlowId, std::string> TransportLayer::send_bytes(std::string_view bytes, const Target& target) {
  // UDP sends from the caller's buffer; a stream needs its own copy to queue.
  if (target.protocol == Protocol::Udp) return impl_->send_udp_checked(bytes, target);
  return impl_->send_raw(std::string(bytes), target);
}

Result<FlowId, std::string> TransportLayer::send_raw(std::string bytes, const Target& target) {
  return impl_->send_raw(std::move(bytes), target);
}

Result<FlowId, std::string> TransportLayer::send_response(const Message& response, FlowId flow) {
  const auto target = response_target(response, flow);
  if (!target) return fail(std::string("response has no usable top Via"));
  return send(response, *target);
}

const std::vector<BoundListener>& TransportLayer::listeners() const { return impl_->bound_; }

std::uint16_t TransportLayer::local_port(Protocol protocol) const {
  const std::size_t i = impl_->first_listener(protocol);
  return i == kAnyListener ? 0 : impl_->bound_[i].port;
}

const TransportCounters& TransportLayer::counters() const { return impl_->counters_; }
std::size_t TransportLayer::connection_count() const { return impl_->flows_.size(); }

void TransportLayer::set_flow_pinned(FlowId flow, bool pinned) {
  const auto it = impl_->flows_.find(flow);
  if (it != impl_->flows_.end()) it->second->set_pinned(pinned);
}

bool TransportLayer::flow_pending(FlowId flow) const {
  const auto it = impl_->flows_.find(flow);
  return it != impl_->flows_.end() && it->second->usable() && !it->second->established();
}

bool TransportLayer::flow_open(FlowId flow) const {
  const auto it = impl_->flows_.find(flow);
  return it != impl_->flows_.end() && it->second->usable();
}

}  // namespace parley::sip::transport
