// Plain values shared by the SIP transport layer and its callers: transport
// protocols, where a message came from (Source), where one goes (Target), the
// configuration and the counters. Thread: any (values only).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/message/parser.hpp"

namespace parley::sip::transport {

enum class Protocol : std::uint8_t { Udp, Tcp, Tls };

// "UDP", "TCP", "TLS": the Via transport token (RFC 3261 §18.1).
std::string_view to_string(Protocol p);
// Case-insensitive "udp", "tcp", "tls".
std::optional<Protocol> protocol_from_string(std::string_view text);
inline bool is_reliable(Protocol p) { return p != Protocol::Udp; }

// A connection (TCP/TLS) in this process; 0 means "no connection" (UDP).
using FlowId = std::uint64_t;
inline constexpr std::size_t kAnyListener = static_cast<std::size_t>(-1);

struct ListenSpec {
  Protocol protocol = Protocol::Udp;
  std::string host = "127.0.0.1";  // IP literal to bind
  std::uint16_t port = 5060;       // 0 picks a free port
};

// A listener after start(): its bound address.
struct BoundListener {
  Protocol protocol = Protocol::Udp;
  std::string ip;
  std::uint16_t port = 0;
};

// Where a received message came from.
struct Source {
  Protocol protocol = Protocol::Udp;
  std::string remote_ip;
  std::uint16_t remote_port = 0;
  std::size_t listener = kAnyListener;  // index into TransportLayer::listeners()
  FlowId flow = 0;                      // 0 for UDP
  bool reliable = false;
};

// Where to send. `ip` must be an IP literal (name resolution is the caller's job).
// With a flow id, that connection is used while it is open (RFC 5626 flows,
// RFC 3261 §18.2.2); otherwise a connection to ip:port is reused or opened.
struct Target {
  Protocol protocol = Protocol::Udp;
  std::string ip;
  std::uint16_t port = 0;
  FlowId flow = 0;
  std::size_t listener = kAnyListener;  // UDP: send from this listener's socket
};

// A reply goes back where the request came from (§18.2.2, RFC 3581 §4).
Target reply_target(const Source& source);

struct SendFailure {
  FlowId flow = 0;
  Target target;
  std::string reason;
};

struct TransportConfig {
  std::vector<ListenSpec> listen;
  std::size_t max_connections = 1024;            // TCP + TLS, both directions
  std::chrono::seconds idle_timeout{300};        // close a silent connection
  // Close a connection whose message is not complete after this long (never
  // more than idle_timeout): bytes trickled slowly must not hold a slot.
  std::chrono::seconds message_timeout{30};
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds tls_handshake_timeout{10};
  std::size_t max_write_queue_bytes = 1 << 20;   // per connection; overflow closes it
  std::size_t max_header_bytes = 16384;          // stream framing limit
  int socket_buffer_bytes = 4 << 20;             // UDP SO_RCVBUF / SO_SNDBUF
  std::string tls_certificate;                   // PEM file; empty: self-signed dev cert
  std::string tls_private_key;                   // PEM file
  bool tls_verify_server = false;                // outbound TLS: check the peer's chain
  ParseLimits limits;
};

// Read by the caller at any time (metrics). All monotonic except connections_open.
struct TransportCounters {
  std::uint64_t datagrams_in = 0;
  std::uint64_t datagrams_out = 0;
  std::uint64_t stream_messages_in = 0;
  std::uint64_t stream_messages_out = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t parse_errors = 0;
  std::uint64_t error_responses = 0;     // 400/513 ... answered statelessly
  std::uint64_t keepalive_pings = 0;     // CRLFCRLF answered with CRLF
  std::uint64_t connections_open = 0;    // currently open (gauge)
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_connected = 0;
  std::uint64_t connections_refused = 0;  // over max_connections
  std::uint64_t connections_closed = 0;
  std::uint64_t idle_closes = 0;
  std::uint64_t tls_handshake_failures = 0;
  std::uint64_t send_failures = 0;
  std::uint64_t udp_send_drops = 0;       // socket buffer full or send error
  std::uint64_t write_queue_overflows = 0;
};

}  // namespace parley::sip::transport
