// Web password hashing: Argon2id through libsodium's crypto_pwhash_str with
// the "interactive" limits (about 64 MiB and tens of milliseconds per hash,
// slow on purpose). Call off the core thread. Thread: any.
#pragma once

#include <string>
#include <string_view>

namespace parley::store {

// Returns the encoded hash ("$argon2id$v=19$m=..."), salt included. Throws
// std::runtime_error only if the system is out of memory.
std::string hash_web_password(std::string_view password);

// True when `password` matches `hash`; false for a wrong password or a
// malformed or empty hash.
bool verify_web_password_hash(std::string_view hash, std::string_view password);

// As verify_web_password_hash, but an empty hash (unknown user, no web
// password) is checked against a decoy hash, so that a login for a missing
// name costs as much time as one for a real user.
bool check_web_password(std::string_view hash, std::string_view password);

}  // namespace parley::store
