// The text of `parley config default`: kept beside config.cpp's defaults and
// checked against them by tests/unit/app/config_test.cpp (it must parse back
// to Config{}).
#include "app/lib/config.hpp"

namespace parley::app {

std::string default_config_toml() {
  return R"toml(# Parley configuration. Every key is optional; the values below are the
# defaults. See docs/configuration.md.

[sip]
# SIP domain: users are sip:NAME@DOMAIN; also the digest realm of SIP accounts.
domain = "localhost"
# SIP listeners, "TRANSPORT:HOST:PORT" with TRANSPORT one of udp, tcp, tls, ws,
# wss and HOST an IP address (IPv6 in [brackets]); port 0 = any free port.
listen = ["udp:127.0.0.1:5060", "tcp:127.0.0.1:5060", "tls:127.0.0.1:5061"]
# Peers (CIDRs, IPv4 or IPv6) whose requests are accepted without digest
# authentication, e.g. a SIP trunk: ["192.0.2.0/24", "2001:db8::/32"].
trusted = []
# Host (IP address or name) phones reach this server at, written into our Via
# and Record-Route headers. Empty = each listener's own address; required when
# a listener binds 0.0.0.0 or [::].
advertise = ""
# TLS certificate chain (PEM file). Empty, with tls_private_key empty too = a
# self-signed development certificate is made at start.
tls_certificate = ""
# Private key of tls_certificate (PEM file); set both or neither.
tls_private_key = ""
# Shortest registration accepted, in seconds; shorter asks get 423 Interval
# Too Brief.
min_expires = 60
# Longest registration granted, in seconds; longer asks are cut to this.
max_expires = 3600
# Registration lifetime when the REGISTER asks for none, in seconds.
default_expires = 3600
# Stream (TCP, TLS, WebSocket) connections accepted in total.
max_connections = 10000
# Seconds after which a connection with no traffic is closed (connections
# carrying registrations stay open).
idle_timeout = 600
# Largest SIP message accepted, in bytes.
max_message_size = 65535
# Digest algorithms offered when challenging, "SHA-256" and/or "MD5"; SHA-256
# goes first (RFC 8760).
digest_algorithms = ["SHA-256", "MD5"]
# User-Agent prefixes (case-insensitive) challenged with MD5 only: clients
# that give up on a SHA-256 challenge even with an MD5 one beside it.
md5_only_agents = ["baresip", "sipp"]

[http]
# Web app and browser API over plain HTTP, "HOST:PORT".
listen = "127.0.0.1:8080"
# The same over HTTPS/WSS, "HOST:PORT"; empty = no TLS listener.
tls_listen = ""
# PEM certificate for tls_listen; empty = the [sip] one, or a self-signed
# development certificate made at start when that is empty too.
tls_certificate = ""
# Its private key (set both or neither).
tls_private_key = ""
# The built browser app (index.html, assets/); empty = ../client/dist from
# the folder of the parley binary (build/parley in a source tree).
app_dir = ""
# Origins whose pages may open the browser API's WebSocket, besides the
# server's own (e.g. ["https://chat.example.com"]).
allowed_origins = []
# A web session ends after this many seconds without a signed request while
# none of its WebSockets is open...
session_idle_timeout = 1800
# ...and this many seconds after login in any case.
session_max_age = 43200
# Open HTTP and WebSocket connections at most.
max_connections = 20000
# Largest HTTP request body, in bytes.
max_body_size = 1048576

[chat]
# Largest message text, in bytes (the browser and SIP MESSAGE alike).
max_message_bytes = 16384
# Messages a user may send per minute, sustained...
messages_per_minute = 60
# ...and at once after a quiet while.
burst = 20
# Rooms one user may own.
max_rooms_per_user = 20

[media]
# Local IP address for RTP and ICE candidates.
address = "127.0.0.1"
# UDP port range for media, "FIRST-LAST" (inclusive).
ports = "40000-40999"

[log]
# trace, debug, info, warn, error, critical or off.
level = "info"

[store]
# SQLite database file; empty = DATA/parley.db. Relative paths are taken from
# the data directory (--data).
path = ""
)toml";
}

}  // namespace parley::app
