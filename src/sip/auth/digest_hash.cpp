#include "sip/auth/digest_hash.hpp"

#include <openssl/evp.h>

#include <memory>

#include "base/strings.hpp"

namespace parley::sip::auth {

namespace {

struct MdFree {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
struct CtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// OpenSSL 3 looks the implementation of EVP_md5()/EVP_sha256() up again on
// every digest (a fetch under a read lock), and EVP_Digest allocates a
// context each time: at two to three digests per REGISTER that was a tenth
// of its cost. Fetched once (thread-safe static init), with one context per
// thread. Null when the provider lacks the algorithm (FIPS without MD5): the
// slow path then reports the failure as before.
const EVP_MD* fetched(Algorithm a) {
  static const std::unique_ptr<EVP_MD, MdFree> md5(EVP_MD_fetch(nullptr, "MD5", nullptr));
  static const std::unique_ptr<EVP_MD, MdFree> sha256(EVP_MD_fetch(nullptr, "SHA2-256", nullptr));
  return a == Algorithm::Md5 ? md5.get() : sha256.get();
}

EVP_MD_CTX* thread_context() {
  thread_local const std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  return ctx.get();
}

}  // namespace

std::string_view to_string(Algorithm a) { return a == Algorithm::Md5 ? "MD5" : "SHA-256"; }

std::string digest_hex(Algorithm a, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const EVP_MD* md = fetched(a);
  EVP_MD_CTX* ctx = thread_context();
  if (md == nullptr || ctx == nullptr || EVP_DigestInit_ex2(ctx, md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out, &len) != 1) {
    len = 0;
    EVP_Digest(data.data(), data.size(), out, &len, a == Algorithm::Md5 ? EVP_md5() : EVP_sha256(),
               nullptr);
  }
  return to_hex(std::string_view(reinterpret_cast<const char*>(out), len));
}

std::string compute_ha1(Algorithm a, std::string_view username, std::string_view realm,
                        std::string_view password) {
  std::string s;
  s.reserve(username.size() + realm.size() + password.size() + 2);
  s.append(username).append(":").append(realm).append(":").append(password);
  return digest_hex(a, s);
}

}  // namespace parley::sip::auth
