#include "sip/transport/stream_framer.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace parley::sip::transport {
namespace {

using Kind = StreamFramer::Kind;

std::string msg(std::string_view body, std::string_view extra_headers = "") {
  std::string m = "OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n";
  m += extra_headers;
  m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  m += body;
  return m;
}

// Drains every frame after a feed, copying message bytes out.
struct Collected {
  std::vector<std::string> messages;
  int pings = 0;
  int errors = 0;
  int error_status = 0;
};

void drain(StreamFramer& f, Collected& c) {
  for (;;) {
    const auto frame = f.next();
    if (frame.kind == Kind::NeedMore) return;
    if (frame.kind == Kind::Message) c.messages.emplace_back(frame.bytes);
    if (frame.kind == Kind::Ping) ++c.pings;
    if (frame.kind == Kind::Error) {
      ++c.errors;
      c.error_status = frame.status;
      return;
    }
  }
}

TEST(StreamFramer, WholeMessageInOneFeed) {
  StreamFramer f;
  const std::string m = msg("hello");
  f.feed(m);
  const auto frame = f.next();
  ASSERT_EQ(frame.kind, Kind::Message);
  EXPECT_EQ(frame.bytes, m);
  EXPECT_FALSE(frame.missing_content_length);
  EXPECT_EQ(f.next().kind, Kind::NeedMore);
  EXPECT_EQ(f.buffered(), 0U);
}

TEST(StreamFramer, EverySplitPointGivesTheSameMessages) {
  const std::string a = msg("body-one");
  const std::string b = msg("", "Subject: x\r\n");
  const std::string stream = a + b;
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    StreamFramer f;
    Collected c;
    f.feed(std::string_view(stream).substr(0, cut));
    drain(f, c);
    f.feed(std::string_view(stream).substr(cut));
    drain(f, c);
    ASSERT_EQ(c.messages.size(), 2U) << "cut=" << cut;
    EXPECT_EQ(c.messages[0], a);
    EXPECT_EQ(c.messages[1], b);
    EXPECT_EQ(c.errors, 0);
  }
}

TEST(StreamFramer, ByteByByteFeed) {
  const std::string stream = msg("abc") + "\r\n\r\n" + msg("defg");
  StreamFramer f;
  Collected c;
  for (char ch : stream) {
    f.feed(std::string_view(&ch, 1));
    drain(f, c);
  }
  ASSERT_EQ(c.messages.size(), 2U);
  EXPECT_EQ(c.messages[1], msg("defg"));
  EXPECT_EQ(c.pings, 1);
}

TEST(StreamFramer, ThreeMessagesInOneFeed) {
  StreamFramer f;
  Collected c;
  f.feed(msg("1") + msg("22") + msg("333"));
  drain(f, c);
  ASSERT_EQ(c.messages.size(), 3U);
  EXPECT_EQ(c.messages[2], msg("333"));
}

TEST(StreamFramer, PingIsReportedAndLeadingCrlfIgnored) {
  StreamFramer f;
  Collected c;
  f.feed("\r\n\r\n");
  drain(f, c);
  EXPECT_EQ(c.pings, 1);
  // A lone CRLF (a pong, or noise before a start line) is skipped.
  f.feed("\r\n" + msg("x"));
  drain(f, c);
  EXPECT_EQ(c.pings, 1);
  ASSERT_EQ(c.messages.size(), 1U);
  EXPECT_EQ(c.messages[0], msg("x"));
}

TEST(StreamFramer, PingSplitInTwoIsStillAPing) {
  StreamFramer f;
  Collected c;
  f.feed("\r\n");
  drain(f, c);
  EXPECT_EQ(c.pings, 0);
  f.feed("\r\n");
  drain(f, c);
  EXPECT_EQ(c.pings, 1);
}

TEST(StreamFramer, TwoPingsBackToBack) {
  StreamFramer f;
  Collected c;
  f.feed("\r\n\r\n\r\n\r\n");
  drain(f, c);
  EXPECT_EQ(c.pings, 2);
}

TEST(StreamFramer, CompactContentLengthAndCaseAndSpaces) {
  StreamFramer f;
  const std::string m =
      "MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\nl :  4 \r\n\r\nabcd";
  const std::string m2 = "MESSAGE sip:a@b SIP/2.0\r\ncOnTeNt-LeNgTh: 2\r\n\r\nok";
  f.feed(m + m2);
  auto frame = f.next();
  ASSERT_EQ(frame.kind, Kind::Message);
  EXPECT_EQ(frame.bytes, m);
  frame = f.next();
  ASSERT_EQ(frame.kind, Kind::Message);
  EXPECT_EQ(frame.bytes, m2);
}

TEST(StreamFramer, FoldedContentLength) {
  StreamFramer f;
  const std::string m = "MESSAGE sip:a@b SIP/2.0\r\nContent-Length:\r\n  3\r\nTo: x\r\n\r\nabc";
  f.feed(m);
  const auto frame = f.next();
  ASSERT_EQ(frame.kind, Kind::Message);
  EXPECT_EQ(frame.bytes, m);
}

TEST(StreamFramer, MissingContentLengthIsFlagged) {
  StreamFramer f;
  f.feed("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n");
  const auto frame = f.next();
  ASSERT_EQ(frame.kind, Kind::Message);
  EXPECT_TRUE(frame.missing_content_length);
}

TEST(StreamFramer, BadContentLengthIsAnError) {
  for (const char* value : {"abc", "-1", "", "1 2", "0x10"}) {
    StreamFramer f;
    f.feed(std::string("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: ") + value + "\r\n\r\n");
    const auto frame = f.next();
    ASSERT_EQ(frame.kind, Kind::Error) << value;
    EXPECT_EQ(frame.status, 400);
  }
}

TEST(StreamFramer, ConflictingContentLengthsAreAnError) {
  StreamFramer f;
  f.feed("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nab");
  EXPECT_EQ(f.next().kind, Kind::Error);
  // Equal duplicates are harmless.
  StreamFramer g;
  g.feed("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\nl: 2\r\n\r\nab");
  EXPECT_EQ(g.next().kind, Kind::Message);
}

TEST(StreamFramer, HeaderSectionTooLargeWithoutBlankLine) {
  StreamFramer f(FramerLimits{256, 1024});
  f.feed("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n");
  EXPECT_EQ(f.next().kind, Kind::NeedMore);
  f.feed("X-Filler: " + std::string(300, 'a') + "\r\n");
  const auto frame = f.next();
  ASSERT_EQ(frame.kind, Kind::Error);
  EXPECT_EQ(frame.status, 513);
  // The buffered bytes are handed out so a response can copy the Via.
  EXPECT_TRUE(frame.bytes.starts_with("OPTIONS sip:a@b"));
  EXPECT_LE(frame.bytes.size(), 256U);
  // Sticky: the connection is to be closed.
  f.feed(msg("x"));
  EXPECT_EQ(f.next().kind, Kind::Error);
}

TEST(StreamFramer, HeaderSectionTooLargeWithBlankLine) {
  StreamFramer f(FramerLimits{128, 4096});
  f.feed(msg("", "X-Filler: " + std::string(200, 'a') + "\r\n"));
  EXPECT_EQ(f.next().status, 513);
}

TEST(StreamFramer, BodyTooLargeIsRefusedBeforeItArrives) {
  StreamFramer f(FramerLimits{1024, 2000});
  f.feed("MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 5000\r\n\r\n");
  const auto frame = f.next();
  ASSERT_EQ(frame.kind, Kind::Error);
  EXPECT_EQ(frame.status, 513);
}

TEST(StreamFramer, HugeContentLengthDoesNotOverflow) {
  StreamFramer f;
  f.feed("MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 99999999999999999999999\r\n\r\n");
  EXPECT_EQ(f.next().status, 513);
}

TEST(StreamFramer, MessageExactlyAtTheLimitPasses) {
  const std::string m = msg(std::string(100, 'b'));
  StreamFramer f(FramerLimits{1024, m.size()});
  f.feed(m);
  EXPECT_EQ(f.next().kind, Kind::Message);
  StreamFramer g(FramerLimits{1024, m.size() - 1});
  g.feed(m);
  EXPECT_EQ(g.next().kind, Kind::Error);
}

TEST(StreamFramer, BodyWithCrlfCrlfInsideIsNotSplit) {
  StreamFramer f;
  Collected c;
  const std::string m = msg("a\r\n\r\nb\r\n\r\n");
  f.feed(m + msg("z"));
  drain(f, c);
  ASSERT_EQ(c.messages.size(), 2U);
  EXPECT_EQ(c.messages[0], m);
}

TEST(StreamFramer, LongStreamKeepsBufferSmall) {
  StreamFramer f;
  Collected c;
  const std::string m = msg("payload");
  for (int i = 0; i < 1000; ++i) {
    f.feed(m);
    drain(f, c);
  }
  EXPECT_EQ(c.messages.size(), 1000U);
  EXPECT_EQ(f.buffered(), 0U);
}

}  // namespace
}  // namespace parley::sip::transport
