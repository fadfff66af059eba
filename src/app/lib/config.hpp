// The server configuration: one TOML file (docs/configuration.md), every key
// with a default. Parsed once at start-up by app/ and then passed by const
// reference; a bad file stops start-up with a ConfigError naming the key.
// Thread: any (immutable after start-up).
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/lib/cidr.hpp"

namespace parley::app {

// Start-up failure; what() reads like `config: sip.listen[1]: unknown transport "foo"`.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class SipTransport { Udp, Tcp, Tls, Ws, Wss };
std::string_view to_string(SipTransport t);  // "udp", "tcp", "tls", "ws", "wss"

// Host is an IP literal (IPv6 without brackets); port 0 = any free port.
struct HostPort {
  std::string host;
  std::uint16_t port = 0;
  friend bool operator==(const HostPort&, const HostPort&) = default;
};

// One SIP listener, "udp:127.0.0.1:5060" or "tls:[::1]:5061".
struct ListenSpec {
  SipTransport transport = SipTransport::Udp;
  std::string host;
  std::uint16_t port = 0;
  friend bool operator==(const ListenSpec&, const ListenSpec&) = default;
};

struct SipConfig {
  std::string domain = "localhost";
  std::vector<ListenSpec> listen = {{SipTransport::Udp, "127.0.0.1", 5060},
                                    {SipTransport::Tcp, "127.0.0.1", 5060},
                                    {SipTransport::Tls, "127.0.0.1", 5061}};
  std::vector<Cidr> trusted;        // peers accepted without digest authentication
  // Host written into our Via and Record-Route headers; empty = each
  // listener's own address (then 0.0.0.0 / :: listeners are refused).
  std::string advertise;
  std::string tls_certificate;      // PEM file; empty = self-signed development certificate
  std::string tls_private_key;      // PEM file; empty with tls_certificate
  std::uint32_t min_expires = 60;   // RFC 3261 10.3 step 7: 423 below this
  std::uint32_t max_expires = 3600;
  std::uint32_t default_expires = 3600;
  std::uint32_t max_connections = 10000;   // TCP/TLS/WS connections in total
  std::uint32_t idle_timeout = 600;        // seconds before an idle connection is closed
  std::uint32_t max_message_size = 65535;  // bytes; larger messages are refused
  // Digest algorithms offered in challenges, "SHA-256" and/or "MD5".
  std::vector<std::string> digest_algorithms = {"SHA-256", "MD5"};
  // User-Agent prefixes that get an MD5-only challenge (clients that fail on
  // a SHA-256 challenge even with MD5 beside it).
  std::vector<std::string> md5_only_agents = {"baresip", "sipp"};
  friend bool operator==(const SipConfig&, const SipConfig&) = default;
};

struct HttpConfig {
  HostPort listen{"127.0.0.1", 8080};
  std::optional<HostPort> tls_listen;  // HTTPS/WSS; none by default
  std::string tls_certificate;         // PEM; empty = sip's, else a self-signed dev certificate
  std::string tls_private_key;
  std::string app_dir;                 // built browser app; empty = found next to the binary
  std::vector<std::string> allowed_origins;  // for WebSockets, besides our own origin
  std::uint32_t session_idle_timeout = 1800;  // seconds
  std::uint32_t session_max_age = 43200;      // seconds
  std::size_t max_connections = 20000;
  std::size_t max_body_size = 1024 * 1024;
  friend bool operator==(const HttpConfig&, const HttpConfig&) = default;
};

struct MediaConfig {
  std::string address = "127.0.0.1";  // local address for RTP and ICE candidates
  std::uint16_t port_min = 40000;     // inclusive range of UDP media ports
  std::uint16_t port_max = 40999;
  friend bool operator==(const MediaConfig&, const MediaConfig&) = default;
};

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
  friend bool operator==(const LogConfig&, const LogConfig&) = default;
};

struct StoreConfig {
  std::string path;  // SQLite file; empty = DATA/parley.db
  friend bool operator==(const StoreConfig&, const StoreConfig&) = default;
};

struct ChatConfig {
  std::uint32_t max_message_bytes = 16384;   // one message's text
  std::uint32_t messages_per_minute = 60;    // sustained, per user
  std::uint32_t burst = 20;                  // messages a quiet user may send at once
  std::uint32_t max_rooms_per_user = 20;     // rooms a user may own
  friend bool operator==(const ChatConfig&, const ChatConfig&) = default;
};

struct Config {
  SipConfig sip;
  HttpConfig http;
  ChatConfig chat;
  MediaConfig media;
  LogConfig log;
  StoreConfig store;
  friend bool operator==(const Config&, const Config&) = default;
};

// Parses TOML text; `source` names it in syntax errors. Missing keys keep
// their defaults. Throws ConfigError.
Config parse_config(std::string_view toml_text, std::string_view source = "config");
// Reads and parses a file. Throws ConfigError (also if it cannot be read).
Config load_config(const std::filesystem::path& file);

// The documented default configuration, one comment per key; parses back to
// Config{} (printed by `parley config default`).
std::string default_config_toml();

// The SQLite file to use: store.path, relative paths taken from data_dir;
// DATA/parley.db when empty.
std::filesystem::path resolve_store_path(const Config& config, const std::filesystem::path& data_dir);

}  // namespace parley::app
