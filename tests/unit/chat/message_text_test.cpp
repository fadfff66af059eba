#include "chat/message_text.hpp"

#include <gtest/gtest.h>

namespace parley::chat {
namespace {

ChatLimits small() {
  ChatLimits l;
  l.max_message_bytes = 20;
  return l;
}

RefusalCode refused(std::string_view type, std::string_view body) {
  auto r = message_text(type, body, small());
  EXPECT_FALSE(r.ok()) << type << " " << body;
  return r.ok() ? RefusalCode::Forbidden : r.error().code;
}

TEST(MessageText, PlainTextAsIs) {
  EXPECT_EQ(message_text("text/plain", "hello", small()).value(), "hello");
  EXPECT_EQ(message_text("Text/Plain; charset=\"UTF-8\"", "héllo", small()).value(), "héllo");
  EXPECT_EQ(message_text("", "no type", small()).value(), "no type");
  EXPECT_EQ(refused("text/plain; charset=iso-8859-1", "x"), RefusalCode::UnsupportedContent);
  EXPECT_EQ(refused("text/plain", ""), RefusalCode::EmptyMessage);
  EXPECT_EQ(refused("text/plain", std::string(21, 'x')), RefusalCode::MessageTooLarge);
}

TEST(MessageText, CpimUnwrapsToItsText) {
  const std::string cpim =
      "From: <sip:bob@example.com>\r\nTo: <sip:~lobby@example.com>\r\n\r\n"
      "Content-Type: text/plain;charset=utf-8\r\n\r\nhi from cpim";
  EXPECT_EQ(message_text("message/cpim", cpim, small()).value(), "hi from cpim");
  EXPECT_EQ(refused("message/cpim",
                    "From: <sip:bob@example.com>\r\n\r\nContent-Type: "
                    "image/png\r\n\r\nPNG"),
            RefusalCode::UnsupportedContent);
  EXPECT_EQ(refused("message/cpim", "not cpim"), RefusalCode::UnsupportedContent);
  EXPECT_EQ(refused("message/cpim", "From: <sip:b@e>\r\n\r\n\r\n" + std::string(21, 'x')),
            RefusalCode::MessageTooLarge);
  EXPECT_EQ(refused("message/cpim", std::string(9000, 'x')), RefusalCode::MessageTooLarge);
}

TEST(MessageText, OtherTypesAreRefusedWith415) {
  EXPECT_EQ(refused("application/im-iscomposing+xml", "<x/>"), RefusalCode::UnsupportedContent);
  EXPECT_EQ(sip_status(RefusalCode::UnsupportedContent), 415);
  EXPECT_EQ(code_name(RefusalCode::UnsupportedContent), "unsupported_content");
}

}  // namespace
}  // namespace parley::chat
