// Signing vectors of protocol/examples/signing (made by an independent Python
// script) checked against the C++ canonical strings and signatures, and the
// crypto helpers' edge cases.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "web/request_signature.hpp"
#include "web/web_crypto.hpp"

namespace parley::web {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> vectors(std::string_view prefix) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(PARLEY_SOURCE_DIR) / "protocol/examples/signing")) {
    const std::string name = e.path().filename().string();
    if (name.starts_with(prefix) && name.ends_with(".json")) out.push_back(e.path());
  }
  return out;
}

std::string str(const json::value& v, const char* k) { return std::string(v.at(k).as_string()); }

TEST(RequestSignature, HttpVectorsFromProtocolExamples) {
  const auto files = vectors("http.");
  ASSERT_GE(files.size(), 5u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    const json::value v = json::parse(read_file(f));
    const std::string key = crypto::base64url_decode(str(v, "key")).value();
    ASSERT_EQ(key.size(), 32u);
    const std::string ts = std::to_string(v.at("timestamp").to_number<std::int64_t>());
    EXPECT_EQ(crypto::sha256_hex(str(v, "body")), str(v, "body_sha256"));
    const std::string canonical =
        http_canonical_string(str(v, "method"), str(v, "target"), ts, str(v, "nonce"), str(v, "body"));
    EXPECT_EQ(canonical, str(v, "canonical"));
    EXPECT_EQ(sign_canonical(key, canonical), str(v, "signature"));
    EXPECT_TRUE(verify_signature(key, canonical, str(v, "signature")));
  }
}

TEST(RequestSignature, WsVectorsFromProtocolExamples) {
  const auto files = vectors("ws.");
  ASSERT_GE(files.size(), 3u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    const json::value v = json::parse(read_file(f));
    const std::string key = crypto::base64url_decode(str(v, "key")).value();
    const std::string seq = std::to_string(v.at("seq").to_number<std::uint64_t>());
    EXPECT_EQ(crypto::sha256_hex(str(v, "json")), str(v, "json_sha256"));
    const std::string canonical = ws_canonical_string(str(v, "session_id"), seq, str(v, "json"));
    EXPECT_EQ(canonical, str(v, "canonical"));
    EXPECT_EQ(sign_canonical(key, canonical), str(v, "signature"));
    EXPECT_EQ(seq + " " + str(v, "signature") + " " + str(v, "json"), str(v, "frame"));
  }
}

TEST(RequestSignature, VerifyRefusesTamperingAndOtherKeys) {
  const std::string key(32, 'k');
  const std::string c = http_canonical_string("POST", "/api/v1/logout", "1", "n", "{}");
  const std::string sig = sign_canonical(key, c);
  EXPECT_TRUE(verify_signature(key, c, sig));
  EXPECT_FALSE(verify_signature(std::string(32, 'x'), c, sig));
  EXPECT_FALSE(verify_signature(key, http_canonical_string("POST", "/api/v1/logout", "1", "n", "{ }"), sig));
  std::string flipped = sig;
  flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_signature(key, c, flipped));
  EXPECT_FALSE(verify_signature(key, c, sig + "A"));
  EXPECT_FALSE(verify_signature(key, c, sig.substr(1)));
  EXPECT_FALSE(verify_signature(key, c, ""));
  // The last character carries 2 unused bits: another spelling is refused.
  std::string other = sig;
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  other.back() = alphabet[alphabet.find(sig.back()) ^ 1];
  EXPECT_FALSE(verify_signature(key, c, other));
}

TEST(RequestSignature, MethodIsUpperCasedTargetKeptAsSent) {
  EXPECT_EQ(http_canonical_string("get", "/a?b=%20", "5", "n", ""),
            "PARLEY-HMAC-SHA256\nGET\n/a?b=%20\n5\nn\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(WebCrypto, Base64UrlRoundTripAndStrictness) {
  for (std::size_t n = 0; n < 40; ++n) {
    const std::string raw = crypto::random_bytes(n);
    const std::string text = crypto::base64url_encode(raw);
    EXPECT_EQ(text.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(crypto::base64url_decode(text), raw);
  }
  EXPECT_EQ(crypto::base64url_encode(std::string("\xde\xad\xbe\xef", 4)), "3q2-7w");
  EXPECT_FALSE(crypto::base64url_decode("3q2+7w"));   // standard alphabet
  EXPECT_FALSE(crypto::base64url_decode("3q2-7w=="));  // padding
  EXPECT_FALSE(crypto::base64url_decode("3q2-7x"));    // non-zero unused bits
  EXPECT_FALSE(crypto::base64url_decode("3q2-7w "));
  EXPECT_EQ(crypto::random_bytes(16).size(), 16u);
  EXPECT_NE(crypto::random_bytes(16), crypto::random_bytes(16));
}

TEST(WebCrypto, HmacKnownAnswer) {
  // RFC 4231 test case 2.
  EXPECT_EQ(crypto::base64url_encode(crypto::hmac_sha256("Jefe", "what do ya want for nothing?")),
            crypto::base64url_encode(std::string(
                "\x5b\xdc\xc1\x46\xbf\x60\x75\x4e\x6a\x04\x24\x26\x08\x95\x75\xc7"
                "\x5a\x00\x3f\x08\x9d\x27\x39\x83\x9d\xec\x58\xb9\x64\xec\x38\x43", 32)));
  EXPECT_TRUE(crypto::equal_constant_time("abc", "abc"));
  EXPECT_FALSE(crypto::equal_constant_time("abc", "abd"));
  EXPECT_FALSE(crypto::equal_constant_time("abc", "abcd"));
}

TEST(RequestSignature, ParseDecimal) {
  EXPECT_EQ(parse_decimal("0", 10), 0u);
  EXPECT_EQ(parse_decimal("1796000000000", UINT64_MAX), 1796000000000u);
  EXPECT_EQ(parse_decimal("9007199254740991", (1ull << 53) - 1), (1ull << 53) - 1);
  EXPECT_FALSE(parse_decimal("9007199254740992", (1ull << 53) - 1));
  EXPECT_FALSE(parse_decimal("01", 100));
  EXPECT_FALSE(parse_decimal("+1", 100));
  EXPECT_FALSE(parse_decimal("-1", 100));
  EXPECT_FALSE(parse_decimal("1 ", 100));
  EXPECT_FALSE(parse_decimal("", 100));
  EXPECT_FALSE(parse_decimal("99999999999999999999999", UINT64_MAX));
  EXPECT_EQ(parse_decimal("18446744073709551615", UINT64_MAX), UINT64_MAX);
  EXPECT_FALSE(parse_decimal("18446744073709551616", UINT64_MAX));
}

}  // namespace
}  // namespace parley::web

namespace parley::web {
namespace {

TEST(WsFrameParse, SplitsThreeFields) {
  const std::string sig(43, 'A');
  const std::string text = "12 " + sig + " {\"type\": \"ping\"}";
  const auto ok = parse_ws_frame(text);  // views into `text`
  ASSERT_TRUE(std::holds_alternative<WsFrame>(ok));
  const WsFrame& f = std::get<WsFrame>(ok);
  EXPECT_EQ(f.seq, 12u);
  EXPECT_EQ(f.seq_text, "12");
  EXPECT_EQ(f.signature, sig);
  EXPECT_EQ(f.json, "{\"type\": \"ping\"}");  // spaces inside the JSON are kept
}

TEST(WsFrameParse, RefusesOtherForms) {
  const std::string sig(43, 'A');
  const auto seq_of = [](const std::string& text) -> std::optional<std::uint64_t> {
    const auto r = parse_ws_frame(text);
    EXPECT_TRUE(std::holds_alternative<WsFrameError>(r)) << text;
    return std::holds_alternative<WsFrameError>(r) ? std::get<WsFrameError>(r).seq : std::nullopt;
  };
  EXPECT_FALSE(seq_of(""));
  EXPECT_FALSE(seq_of("12"));
  EXPECT_FALSE(seq_of("0 " + sig + " {}"));
  EXPECT_FALSE(seq_of("012 " + sig + " {}"));
  EXPECT_FALSE(seq_of(" 12 " + sig + " {}"));
  EXPECT_FALSE(seq_of("9007199254740992 " + sig + " {}"));
  EXPECT_EQ(seq_of("12 " + sig), 12u);
  EXPECT_EQ(seq_of("12 " + sig + " "), 12u);
  EXPECT_EQ(seq_of("12 " + sig + "A {}"), 12u);
  EXPECT_EQ(seq_of("12  " + sig + " {}"), 12u);
  EXPECT_EQ(std::get<WsFrame>(parse_ws_frame("9007199254740991 " + sig + " x")).seq,
            9007199254740991u);
}

}  // namespace
}  // namespace parley::web
