// The SIP transport layer (RFC 3261 §18, RFC 3581, RFC 5626 §4.4.1): UDP
// sockets, TCP/TLS listeners and connections, framing, parsing, stateless
// 400/513 answers to garbage, Via received/rport stamping, connection reuse,
// limits and idle timeouts. Delivers parsed messages upward and sends what
// the transaction layer and proxy hand down.
// Owned by the composition root (app/); runs on the caller's io_context,
// which the caller runs on the core thread. Starts no threads, takes no
// locks. Callbacks run on that thread; a callback may call send() and
// close() but must not destroy the TransportLayer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "sip/message/message.hpp"
#include "sip/transport/transport_types.hpp"

namespace boost::asio {
class io_context;
}

namespace parley::sip::transport {

struct TransportCallbacks {
  // A parsed message; requests already carry received/rport in their top Via.
  std::function<void(Message&&, const Source&)> on_message;
  // A TCP/TLS connection closed (peer, error, idle timeout, overflow). The
  // registrar drops bindings bound to it (RFC 5626 §5.2).
  std::function<void(FlowId)> on_flow_closed;
  // Bytes queued on a flow were never written (connect, handshake or write
  // failure): a transport error for the transaction layer (RFC 3261 §18.4).
  std::function<void(const SendFailure&)> on_send_failed;
};

class TransportLayer {
 public:
  TransportLayer(boost::asio::io_context& io, TransportConfig config,
                 TransportCallbacks callbacks = {});
  ~TransportLayer();
  TransportLayer(const TransportLayer&) = delete;
  TransportLayer& operator=(const TransportLayer&) = delete;

  void set_callbacks(TransportCallbacks callbacks);

  // Binds every configured listener and starts receiving. A start-up error
  // (address in use, bad certificate) is returned and nothing keeps running.
  Status<std::string> start();
  // Stops listeners, closes every connection (no on_flow_closed), drops
  // queued bytes. Idempotent; the destructor calls it.
  void close();

  // Serializes and sends. Returns the flow used (0 for UDP) or why it could
  // not be sent at all. Later failures arrive through on_send_failed.
  Result<FlowId, std::string> send(const Message& message, const Target& target);
  Result<FlowId, std::string> send_raw(std::string bytes, const Target& target);
  // The same for bytes the caller keeps: copied only when a stream queues them.
  Result<FlowId, std::string> send_bytes(std::string_view bytes, const Target& target);
  // UDP sends issued between these two are queued and leave together
  // (sendmmsg) at end_send_batch, as they do while a received batch is
  // handled: for bursts from elsewhere (due timers, store completions).
  void begin_send_batch();
  void end_send_batch();
  // RFC 3261 §18.2.2: sends a response to where its top Via says, over
  // `flow` when that connection is still open.
  Result<FlowId, std::string> send_response(const Message& response, FlowId flow);

  // Bound addresses after start(), in configuration order (Source::listener
  // indexes this).
  const std::vector<BoundListener>& listeners() const;
  // Port of the first listener of that protocol, 0 if none.
  std::uint16_t local_port(Protocol protocol) const;

  const TransportCounters& counters() const;
  std::size_t connection_count() const;
  bool flow_open(FlowId flow) const;
  // The connection is still connecting or in its TLS handshake: what is
  // sent over it now may yet fail through on_send_failed.
  bool flow_pending(FlowId flow) const;
  // Keeps a connection that carries registrations open past the idle
  // timeout (its registered device is reached over it, RFC 5626 §3).
  void set_flow_pinned(FlowId flow, bool pinned);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::sip::transport
