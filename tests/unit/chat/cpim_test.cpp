#include "chat/cpim.hpp"

#include <gtest/gtest.h>

namespace parley::chat {
namespace {

constexpr std::int64_t kTime = 1796031916123;  // 2026-11-30T09:45:16.123Z

TEST(Cpim, EncodesTheRfc3862Layout) {
  CpimMessage m;
  m.from = {"Alice Liddell", "sip:alice@example.com"};
  m.to = {"", "sip:~lobby@example.com"};
  m.datetime_ms = kTime;
  m.body = "hello\r\nworld";
  EXPECT_EQ(encode_cpim(m),
            "From: \"Alice Liddell\" <sip:alice@example.com>\r\n"
            "To: <sip:~lobby@example.com>\r\n"
            "DateTime: 2026-11-30T09:45:16.123Z\r\n"
            "\r\n"
            "Content-Type: text/plain;charset=utf-8\r\n"
            "\r\n"
            "hello\r\nworld");
}

TEST(Cpim, EncodingNeutralisesHostileNames) {
  CpimMessage m;
  m.from = {"Eve\"\\\r\nTo: <sip:x@y>", "sip:eve@example.com>\r\nX: y"};
  m.to = {"", "sip:~lobby@example.com"};
  m.subject = "a\r\nb";
  m.body = "x";
  const std::string out = encode_cpim(m);
  EXPECT_EQ(out.substr(0, out.find("\r\n")),
            "From: \"Eve\\\"\\\\To: <sip:x@y>\" <sip:eve@example.comX:y>");
  auto back = decode_cpim(out);
  ASSERT_TRUE(back.ok()) << back.error().reason;
  EXPECT_EQ(back->from.display_name, "Eve\"\\To: <sip:x@y>");
  EXPECT_EQ(back->to.uri, "sip:~lobby@example.com");
  EXPECT_EQ(back->subject, "ab");
}

TEST(Cpim, ContentTypeOfControlCharactersFallsBackToTextPlain) {
  CpimMessage m;
  m.from = {"", "sip:a@b"};
  m.content_type = "\x0e \x01\x7f";
  m.body = "x";
  auto d = decode_cpim(encode_cpim(m));
  ASSERT_TRUE(d.ok()) << d.error().reason;
  EXPECT_EQ(d->content_type, "text/plain;charset=utf-8");
}

TEST(Cpim, RoundTrips) {
  CpimMessage m;
  m.from = {"Bob", "sip:bob@example.com"};
  m.to = {"Lobby", "sip:~lobby@example.com"};
  m.datetime_ms = kTime;
  m.subject = "hi";
  m.body = "ünïcode ☃\r\n\r\nwith blank lines";
  auto d = decode_cpim(encode_cpim(m));
  ASSERT_TRUE(d.ok()) << d.error().reason;
  EXPECT_EQ(d->from.display_name, "Bob");
  EXPECT_EQ(d->from.uri, "sip:bob@example.com");
  EXPECT_EQ(d->to.display_name, "Lobby");
  EXPECT_EQ(d->datetime_ms, kTime);
  EXPECT_EQ(d->subject, "hi");
  EXPECT_EQ(d->content_type, "text/plain;charset=utf-8");
  EXPECT_EQ(d->body, m.body);
}

TEST(Cpim, DecodesWhatDevicesSend) {
  // RFC 3862 section 6 style, LF line ends, namespace headers, unquoted name.
  const std::string text =
      "From: MR SANDERS <im:piglet@100akerwood.com>\n"
      "To: Depressed Donkey <im:eeyore@100akerwood.com>\n"
      "DateTime: 2000-12-13T13:40:00-08:00\n"
      "Subject: the weather will be fine today\n"
      "NS: MyFeatures <mid:MessageFeatures@id.foo.com>\n"
      "Require: MyFeatures.VitalMessageOption\n"
      "MyFeatures.VitalMessageOption: Confirmation-requested\n"
      "\n"
      "Content-type: text/xml; charset=utf-8\n"
      "Content-ID: <1234567890@foo.com>\n"
      "\n"
      "<body>Here is the text of my message.</body>";
  auto d = decode_cpim(text);
  ASSERT_TRUE(d.ok()) << d.error().reason;
  EXPECT_EQ(d->from.display_name, "MR SANDERS");
  EXPECT_EQ(d->from.uri, "im:piglet@100akerwood.com");
  EXPECT_EQ(d->to.display_name, "Depressed Donkey");
  EXPECT_EQ(d->datetime_ms, 976743600000);  // 21:40:00Z
  EXPECT_EQ(d->content_type, "text/xml; charset=utf-8");
  EXPECT_EQ(d->body, "<body>Here is the text of my message.</body>");
}

TEST(Cpim, NoToHeaderWithoutAUri) {
  CpimMessage m;
  m.from = {"", "sip:a@b"};
  m.body = "x";
  EXPECT_EQ(encode_cpim(m),
            "From: <sip:a@b>\r\n\r\nContent-Type: text/plain;charset=utf-8\r\n\r\nx");
}

TEST(Cpim, DefaultsWhenOptionalPartsAreMissing) {
  auto d = decode_cpim("From: <sip:a@b>\r\n\r\n\r\nbody");
  ASSERT_TRUE(d.ok()) << d.error().reason;
  EXPECT_EQ(d->content_type, "text/plain");
  EXPECT_FALSE(d->datetime_ms);
  EXPECT_EQ(d->to.uri, "");
  EXPECT_EQ(d->body, "body");
}

TEST(Cpim, MalformedInputIsAnErrorValue) {
  const char* bad[] = {
      "",
      "From: <sip:a@b>",                                  // headers never end
      "From: <sip:a@b>\r\n\r\nContent-Type: text/plain",  // content headers never end
      "\r\n\r\nbody",                                     // no From
      "From: sip:a@b\r\n\r\n\r\n",                        // no <URI>
      "From: \"unterminated <sip:a@b>\r\n\r\n\r\n",
      "From: <>\r\n\r\n\r\n",
      "From: <sip:a@b> trailing\r\n\r\n\r\n",
      "From: <sip:a <b>\r\n\r\n\r\n",
      "From <sip:a@b>\r\n\r\n\r\n",  // no colon
      ": x\r\nFrom: <sip:a@b>\r\n\r\n\r\n",
      "Fr om: <sip:a@b>\r\n\r\n\r\n",
      "From: <sip:a@b>\r\n folded\r\n\r\n\r\n",
      "From: <sip:a@b>\r\nDateTime: yesterday\r\n\r\n\r\n",
      "From: <sip:a@b>\r\n\r\nContent-Type:\r\n\r\n",
      "From: <sip:a\x01"
      "b>\r\n\r\n\r\n",  // control character in the URI
  };
  for (const char* text : bad) {
    auto d = decode_cpim(text);
    EXPECT_FALSE(d.ok()) << text;
    if (!d.ok()) {
      EXPECT_FALSE(d.error().reason.empty());
    }
  }
}

TEST(Cpim, LimitsAreEnforced) {
  CpimLimits limits;
  limits.max_size = 100;
  limits.max_headers = 3;
  limits.max_line = 40;
  EXPECT_FALSE(decode_cpim("From: <sip:a@b>\r\n\r\n\r\n" + std::string(100, 'x'), limits).ok());
  EXPECT_FALSE(decode_cpim("From: <sip:" + std::string(40, 'a') + "@b>\r\n\r\n\r\n", limits).ok());
  EXPECT_FALSE(decode_cpim("From: <sip:a@b>\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n\r\n", limits).ok());
  EXPECT_TRUE(decode_cpim("From: <sip:a@b>\r\nA: 1\r\nB: 2\r\n\r\n\r\n", limits).ok());
}

TEST(CpimDateTime, FormatsAndParses) {
  EXPECT_EQ(format_datetime(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_datetime(kTime), "2026-11-30T09:45:16.123Z");
  EXPECT_EQ(parse_datetime("2026-11-30T09:45:16.123Z"), kTime);
  EXPECT_EQ(parse_datetime("2026-11-30t09:45:16.1234567z"), kTime);
  EXPECT_EQ(parse_datetime("2026-11-30T10:45:16.123+01:00"), kTime);
  EXPECT_EQ(parse_datetime("2026-11-30T09:45:16Z"), kTime - 123);
  EXPECT_EQ(parse_datetime("2024-02-29T00:00:00Z"), 1709164800000);
  EXPECT_EQ(parse_datetime("9999-12-31T23:59:59.999Z"), 253402300799999);
  EXPECT_EQ(format_datetime(253402300799999), "9999-12-31T23:59:59.999Z");
  for (const char* bad :
       {"", "2026-11-30", "2026-11-30T09:45:16", "2026-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
        "2026-11-30T24:00:00Z", "2026-11-30T09:45:16.Z", "2026-11-30T09:45:16+1:00",
        "2026-11-30T09:45:16Zjunk", "+026-11-30T09:45:16Z", "1969-12-31T23:59:59Z",
        "1970-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"}) {
    EXPECT_EQ(parse_datetime(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace parley::chat
