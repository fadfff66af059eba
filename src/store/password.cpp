#include "store/password.hpp"

#include <sodium.h>

#include <stdexcept>
#include <string>

namespace parley::store {

namespace {
void ensure_sodium() {
  // sodium_init is thread-safe and idempotent; -1 means no usable randomness.
  static const int rc = sodium_init();
  if (rc < 0) throw std::runtime_error("libsodium initialisation failed");
}
}  // namespace

std::string hash_web_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return std::string(out);
}

bool verify_web_password_hash(std::string_view hash, std::string_view password) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string terminated(hash);  // libsodium wants a C string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool check_web_password(std::string_view hash, std::string_view password) {
  if (hash.empty()) {
    static const std::string decoy = hash_web_password("decoy-" + std::to_string(randombytes_random()));
    verify_web_password_hash(decoy, password);
    return false;
  }
  return verify_web_password_hash(hash, password);
}

}  // namespace parley::store
