// TLS contexts for every TLS server and client in the process (SIP over TLS,
// HTTPS/WSS): certificates from PEM files, or a self-signed development
// certificate generated in memory when none is configured. Built at start-up
// by the owner of the listener (app/ or the transport); a context is then
// read-only and shared by the connections. Thread: start-up, then the thread
// that runs the listener's io_context.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace boost::asio::ssl {
class context;
}

namespace parley::net {

struct PemCredentials {
  std::string certificate;  // PEM, may hold a chain
  std::string private_key;  // PEM
};

// A self-signed X.509 v3 certificate for development: EC P-256 key,
// CN=<common_name>, subjectAltName DNS:localhost, IP:127.0.0.1, valid `days`.
// Throws std::runtime_error if OpenSSL fails (start-up failure).
PemCredentials generate_self_signed_certificate(std::string_view common_name = "localhost",
                                                int days = 365);

// TLS 1.2+ server context. With both paths empty a development certificate is
// generated and a warning logged. Throws std::runtime_error on unreadable or
// mismatched files.
std::shared_ptr<boost::asio::ssl::context> make_server_context(const std::string& cert_path,
                                                               const std::string& key_path);
std::shared_ptr<boost::asio::ssl::context> make_server_context(const PemCredentials& pem);

// TLS 1.2+ client context; with verify_peer the system trust store is used.
std::shared_ptr<boost::asio::ssl::context> make_client_context(bool verify_peer);

}  // namespace parley::net
