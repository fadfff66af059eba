#include "net/tls_context.hpp"

#include <memory>

#include <boost/asio/ssl/context.hpp>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace parley::net {
namespace {

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};

std::unique_ptr<X509, X509Free> read_cert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

TEST(TlsContext, SelfSignedCertificateHasTheDevelopmentIdentity) {
  const PemCredentials pem = generate_self_signed_certificate();
  ASSERT_TRUE(pem.certificate.starts_with("-----BEGIN CERTIFICATE-----"));
  ASSERT_NE(pem.private_key.find("PRIVATE KEY"), std::string::npos);
  auto cert = read_cert(pem.certificate);
  ASSERT_TRUE(cert);
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.1", 0), 1);
  EXPECT_NE(X509_check_host(cert.get(), "example.com", 0, 0, nullptr), 1);
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(key), EVP_PKEY_EC);
  EXPECT_EQ(EVP_PKEY_get_bits(key), 256);
  // Valid now and for about a year.
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert.get())), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(cert.get())), 0);
  int days = 0;
  int secs = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(cert.get()),
                           X509_get0_notAfter(cert.get())),
            1);
  EXPECT_EQ(days, 365);
  // Self-signed: verifies with its own key.
  EXPECT_EQ(X509_verify(cert.get(), key), 1);
}

TEST(TlsContext, TwoCertificatesDiffer) {
  EXPECT_NE(generate_self_signed_certificate().certificate,
            generate_self_signed_certificate().certificate);
}

TEST(TlsContext, ServerContextFromGeneratedAndMissingFiles) {
  EXPECT_NE(make_server_context("", ""), nullptr);
  EXPECT_THROW(make_server_context("/nonexistent/cert.pem", "/nonexistent/key.pem"),
               std::runtime_error);
  EXPECT_NE(make_client_context(false), nullptr);
}

}  // namespace
}  // namespace parley::net
