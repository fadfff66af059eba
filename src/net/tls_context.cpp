#include "net/tls_context.hpp"

#include <memory>
#include <stdexcept>

#include <boost/asio/ssl/context.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/log.hpp"

namespace parley::net {

namespace {

namespace ssl = boost::asio::ssl;

// OpenSSL objects owned by unique_ptrs with their free functions.
struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct X509Free { void operator()(X509* p) const { X509_free(p); } };
struct BioFree { void operator()(BIO* p) const { BIO_free(p); } };
struct ExtFree { void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); } };

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("tls: ") + what + " failed");
}

std::string bio_to_string(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtFree> ext(
      X509V3_EXT_conf_nid(nullptr, &ctx, nid, const_cast<char*>(value)));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) fail("X509_add_ext");
}

void harden(ssl::context& ctx) {
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                  ssl::context::single_dh_use);
}

}  // namespace

PemCredentials generate_self_signed_certificate(std::string_view common_name, int days) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
  if (!key) fail("EVP_EC_gen");
  std::unique_ptr<X509, X509Free> cert(X509_new());
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), 2);  // v3, needed for extensions
  unsigned char serial[8];
  if (RAND_bytes(serial, sizeof serial) != 1) fail("RAND_bytes");
  serial[0] &= 0x7f;  // a positive serial number (RFC 5280 §4.1.2.2)
  std::uint64_t serial_value = 0;
  for (unsigned char b : serial) serial_value = (serial_value << 8) | b;
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial_value);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 24 * 3600);
  if (X509_set_pubkey(cert.get(), key.get()) != 1) fail("X509_set_pubkey");

  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string cn(common_name);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth,clientAuth");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) fail("X509_sign");

  std::unique_ptr<BIO, BioFree> cert_bio(BIO_new(BIO_s_mem()));
  std::unique_ptr<BIO, BioFree> key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio) fail("BIO_new");
  if (PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) fail("PEM_write_bio_X509");
  if (PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
      1) {
    fail("PEM_write_bio_PrivateKey");
  }
  return PemCredentials{bio_to_string(cert_bio.get()), bio_to_string(key_bio.get())};
}

std::shared_ptr<ssl::context> make_server_context(const PemCredentials& pem) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  harden(*ctx);
  boost::system::error_code ec;
  ctx->use_certificate_chain(boost::asio::buffer(pem.certificate), ec);
  if (ec) throw std::runtime_error("tls: bad certificate: " + ec.message());
  ctx->use_private_key(boost::asio::buffer(pem.private_key), ssl::context::pem, ec);
  if (ec) throw std::runtime_error("tls: bad private key: " + ec.message());
  return ctx;
}

std::shared_ptr<ssl::context> make_server_context(const std::string& cert_path,
                                                  const std::string& key_path) {
  if (cert_path.empty() && key_path.empty()) {
    log::get("net.tls")->warn(
        "event=self_signed_certificate cn=localhost validity_days=365 "
        "note=\"no tls_certificate configured; generated a development certificate\"");
    return make_server_context(generate_self_signed_certificate());
  }
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  harden(*ctx);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_path, ec);
  if (ec) throw std::runtime_error("tls: cannot load certificate " + cert_path + ": " + ec.message());
  ctx->use_private_key_file(key_path.empty() ? cert_path : key_path, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("tls: cannot load private key " + key_path + ": " + ec.message());
  return ctx;
}

std::shared_ptr<ssl::context> make_client_context(bool verify_peer) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  harden(*ctx);
  if (verify_peer) {
    ctx->set_default_verify_paths();
    ctx->set_verify_mode(ssl::verify_peer);
  } else {
    ctx->set_verify_mode(ssl::verify_none);
  }
  return ctx;
}

}  // namespace parley::net
