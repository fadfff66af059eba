#include "sip/auth/digest_credentials.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace parley::sip::auth {
namespace {

constexpr const char* kGood =
    "Digest username=\"alice\", realm=\"example.com\", nonce=\"abc\", uri=\"sip:example.com\", "
    "response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5, cnonce=\"xyz\", nc=0000000a, "
    "qop=auth";

TEST(DigestCredentials, ParsesAllFields) {
  auto c = parse_digest_credentials(kGood);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->username, "alice");
  EXPECT_EQ(c->realm, "example.com");
  EXPECT_EQ(c->nonce, "abc");
  EXPECT_EQ(c->uri, "sip:example.com");
  EXPECT_EQ(c->algorithm, "MD5");
  EXPECT_EQ(c->cnonce, "xyz");
  EXPECT_EQ(c->qop, "auth");
  EXPECT_EQ(c->nc, 10u);
  EXPECT_EQ(c->nc_text, "0000000a");
  EXPECT_FALSE(c->has_opaque);
}

TEST(DigestCredentials, QuotedPairsUnknownParamsAndOddSpacing) {
  auto c = parse_digest_credentials(
      "  digest   username = \"a\\\"l\\\\ice\" ,, realm=\"r\",foo=bar,bar=\"x,y\",nonce=n,"
      "uri=\"sip:h\",response=\"ab\",opaque=\"\",qop=\"auth\",cnonce=c,nc=00000001  ");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->username, "a\"l\\ice");
  EXPECT_EQ(c->realm, "r");
  EXPECT_TRUE(c->has_opaque);
  EXPECT_EQ(c->opaque, "");
}

TEST(DigestCredentials, OtherSchemeIsNotDigest) {
  // RFC 4475 §3.1.2.? regaut01.
  auto c = parse_digest_credentials("NoOneKnowsThisScheme opaque-data=here");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), CredentialsError::NotDigest);
  auto b = parse_digest_credentials("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error(), CredentialsError::NotDigest);
}

TEST(DigestCredentials, RefusesMalformedValues) {
  const std::string cases[] = {
      "",
      "Digest",
      "Digest ",
      "Digest username=\"alice, realm=\"r\"",  // unterminated quote
      "Digest username=\"a\", username=\"b\", realm=\"r\", nonce=n, uri=u, response=r",
      "Digest username=\"a\" realm=\"r\", nonce=n, uri=u, response=r",  // missing comma
      "Digest username=, realm=\"r\", nonce=n, uri=u, response=r",
      "Digest =x, realm=\"r\", nonce=n, uri=u, response=r",
      "Digest username=\"a\", realm=\"r\", nonce=n, uri=u",  // no response
      "Digest username=\"a\", realm=\"r\", nonce=n, uri=u, response=r, qop=auth, nc=00000001",
      "Digest username=\"a\", realm=\"r\", nonce=n, uri=u, response=r, qop=auth, cnonce=c, nc=1",
      "Digest username=\"a\", realm=\"r\", nonce=n, uri=u, response=r, qop=auth, cnonce=c, "
      "nc=0000000g",
      "Digest username=\"a\", realm=\"r\", nonce=n, uri=u, response=r, cnonce=c",  // no qop
      "Digest username=\"a\\",
      "Digest username=\"a\r\nb\", realm=\"r\", nonce=n, uri=u, response=r",
      "Digest username=\"a\x01\", realm=\"r\", nonce=n, uri=u, response=r",
      "Digest username=<a>, realm=\"r\", nonce=n, uri=u, response=r",
  };
  for (const auto& value : cases) {
    auto c = parse_digest_credentials(value);
    ASSERT_FALSE(c.ok()) << value;
    EXPECT_EQ(c.error(), CredentialsError::Malformed) << value;
  }
}

TEST(DigestCredentials, BoundsLengthAndParameterCount) {
  std::string longv = "Digest username=\"" + std::string(5000, 'a') + "\"";
  EXPECT_FALSE(parse_digest_credentials(longv).ok());

  std::string many = "Digest username=a, realm=r, nonce=n, uri=u, response=r";
  for (int i = 0; i < 40; ++i) many += ", x" + std::to_string(i) + "=1";
  EXPECT_FALSE(parse_digest_credentials(many).ok());

  std::string big_param = "Digest username=\"" + std::string(2000, 'a') +
                          "\", realm=r, nonce=n, uri=u, response=r";
  EXPECT_FALSE(parse_digest_credentials(big_param).ok());
}

TEST(DigestCredentials, SurvivesEveryPrefix) {
  // Truncation at every byte must give a clean answer, never a crash.
  const std::string v = kGood;
  for (std::size_t i = 0; i < v.size(); ++i) {
    (void)parse_digest_credentials(std::string_view(v).substr(0, i));
  }
  SUCCEED();
}

TEST(DigestCredentials, RandomMutationsNeverCrash) {
  // A poor man's fuzzer: flip, drop and insert bytes of a valid value.
  std::mt19937 rng(4475);
  const std::string base = kGood;
  const char alphabet[] = "\"\\,= \taz09:\r\n\x00\xff";
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string v = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !v.empty(); ++e) {
      const std::size_t pos = rng() % v.size();
      const char c = alphabet[rng() % (sizeof alphabet - 1)];
      switch (rng() % 3) {
        case 0: v[pos] = c; break;
        case 1: v.erase(pos, 1); break;
        default: v.insert(v.begin() + static_cast<std::ptrdiff_t>(pos), c); break;
      }
    }
    parsed += parse_digest_credentials(v).ok() ? 1 : 0;
  }
  EXPECT_GT(parsed, 0);  // some mutations stay valid (e.g. inside the username)
}

}  // namespace
}  // namespace parley::sip::auth
