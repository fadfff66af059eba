#include "chat/accept.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "sip/message/parser.hpp"

namespace parley::chat {
namespace {

bool cpim(std::vector<std::string> accept) { return accepts_cpim(accept); }

TEST(Accept, NoHeaderMeansTextPlainOnly) {
  EXPECT_FALSE(cpim({}));
  const std::vector<std::string> none;
  EXPECT_TRUE(accepts_media_type(none, "text", "plain"));
}

TEST(Accept, ExactAndWildcards) {
  EXPECT_TRUE(cpim({"text/plain", "message/cpim"}));
  EXPECT_TRUE(cpim({"Message/CPIM"}));
  EXPECT_TRUE(cpim({"message/*"}));
  EXPECT_TRUE(cpim({"*/*"}));
  EXPECT_FALSE(cpim({"text/plain"}));
  EXPECT_FALSE(cpim({"text/*", "application/im-iscomposing+xml"}));
  EXPECT_FALSE(cpim({"message/sipfrag"}));
}

TEST(Accept, QValuesAndSpecificity) {
  EXPECT_FALSE(cpim({"message/cpim;q=0"}));
  EXPECT_FALSE(cpim({"message/cpim; q=0.000", "*/*"}));  // the exact range decides
  EXPECT_FALSE(cpim({"*/*", "message/*;q=0"}));
  EXPECT_TRUE(cpim({"message/*;q=0", "message/cpim;q=0.1"}));
  EXPECT_TRUE(cpim({"message/cpim;charset=utf-8;q=0.5"}));
  EXPECT_TRUE(cpim({"message/cpim;q=bogus"}));  // malformed q counts as absent
  EXPECT_TRUE(cpim({"message/cpim ; Q=1.000"}));
}

TEST(Accept, JunkEntriesAreIgnored) {
  EXPECT_FALSE(cpim({"", "message", "/cpim", "message/", ";q=1"}));
  EXPECT_TRUE(cpim({"garbage", "message/cpim"}));
}

TEST(Accept, FromARealSipMessage) {
  auto msg = sip::parse_message(
      "MESSAGE sip:~lobby@example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
      "From: <sip:bob@example.com>;tag=1\r\nTo: <sip:~lobby@example.com>\r\n"
      "Call-ID: x\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\n"
      "Accept: text/plain, message/cpim;q=0.5\r\nAccept: application/im-iscomposing+xml\r\n"
      "Content-Length: 0\r\n\r\n",
      sip::Framing::Stream);
  ASSERT_TRUE(msg.ok());
  EXPECT_TRUE(accepts_cpim(msg->header_list("Accept")));
}

}  // namespace
}  // namespace parley::chat
