#include "sip/auth/digest_hash.hpp"

#include <openssl/evp.h>

#include "base/strings.hpp"

namespace parley::sip::auth {

std::string_view to_string(Algorithm a) { return a == Algorithm::Md5 ? "MD5" : "SHA-256"; }

std::string digest_hex(Algorithm a, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const EVP_MD* md = a == Algorithm::Md5 ? EVP_md5() : EVP_sha256();
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
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
