#include "sip/auth/digest_hash.hpp"

#include <gtest/gtest.h>

namespace parley::sip::auth {
namespace {

TEST(DigestHash, Rfc2617Example) {
  // RFC 2617 §3.5: Mufasa / testrealm@host.com / Circle Of Life.
  EXPECT_EQ(compute_ha1(Algorithm::Md5, "Mufasa", "testrealm@host.com", "Circle Of Life"),
            "939e7578ed9e3c518a452acee763bce9");
}

TEST(DigestHash, Rfc7616Sha256Example) {
  // RFC 7616 §3.9.1 HA1 for SHA-256.
  EXPECT_EQ(compute_ha1(Algorithm::Sha256, "Mufasa", "http-auth@example.org", "Circle of Life"),
            "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232");
}

}  // namespace
}  // namespace parley::sip::auth
