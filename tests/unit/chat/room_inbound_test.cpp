#include "chat/room_inbound.hpp"

#include <gtest/gtest.h>

namespace parley::chat {
namespace {

const TimePoint t0 = TimePoint{} + std::chrono::hours(1);

class RoomInboundTest : public ::testing::Test {
 protected:
  InboundDecision send(std::string_view body, Role role = Role::Member,
                       Visibility v = Visibility::Public, std::string_view type = "text/plain") {
    RoomFacts room{"lobby", "sip:~lobby@example.com", RoomAccess{v, role, false}};
    auto d = decide_room_message(room, UserId(7), type, body, limits_, rate_, now_);
    if (advance_) now_ += std::chrono::seconds(1);  // stay under the rate unless testing it
    return d;
  }

  ChatLimits limits_ = [] {
    ChatLimits l;
    l.max_message_bytes = 100;
    l.burst = 3;
    l.messages_per_second = 1;
    return l;
  }();
  RateLimiter rate_{limits_};
  TimePoint now_ = t0;
  bool advance_ = true;
};

TEST_F(RoomInboundTest, MemberPostIsStoredAsSent) {
  auto d = send("hello room");
  EXPECT_EQ(d.action, InboundAction::Post);
  EXPECT_EQ(d.text, "hello room");
  auto escaped = send("//me waves");
  EXPECT_EQ(escaped.action, InboundAction::Post);
  EXPECT_EQ(escaped.text, "/me waves");
}

TEST_F(RoomInboundTest, NonMemberPostGets403ButMayJoin) {
  auto d = send("let me in", Role::None);
  ASSERT_EQ(d.action, InboundAction::Refuse);
  EXPECT_EQ(d.refusal.code, RefusalCode::NotMember);
  EXPECT_EQ(sip_status(d.refusal.code), 403);
  auto join = send("/join lobby", Role::None);
  EXPECT_EQ(join.action, InboundAction::Join);
  EXPECT_EQ(join.room, "lobby");
}

TEST_F(RoomInboundTest, CommandsFollowTheRules) {
  EXPECT_EQ(send("/who", Role::None, Visibility::Public).action, InboundAction::Who);
  auto hidden = send("/who", Role::None, Visibility::InviteOnly);
  ASSERT_EQ(hidden.action, InboundAction::Refuse);
  EXPECT_EQ(hidden.refusal.code, RefusalCode::NotMember);
  auto owner = send("/leave", Role::Owner);
  ASSERT_EQ(owner.action, InboundAction::Refuse);
  EXPECT_EQ(owner.refusal.code, RefusalCode::OwnerMustStay);
  auto leave = send("/leave", Role::Member);
  EXPECT_EQ(leave.action, InboundAction::Leave);
  EXPECT_EQ(leave.room, "");
  auto other = send("/leave kitchen", Role::Owner);  // the owner of *this* room may leave others
  EXPECT_EQ(other.action, InboundAction::Leave);
  EXPECT_EQ(other.room, "kitchen");
}

TEST_F(RoomInboundTest, HelpAndUnknownCommandsAreAnswered) {
  auto help = send("/help", Role::None);
  ASSERT_EQ(help.action, InboundAction::Reply);
  EXPECT_NE(help.text.find("sip:~lobby@example.com"), std::string::npos);
  auto unknown = send("/dance");
  ASSERT_EQ(unknown.action, InboundAction::Reply);
  EXPECT_EQ(unknown.text.rfind("unknown command /dance\n", 0), 0u);
}

TEST_F(RoomInboundTest, BodyProblemsComeFirst) {
  EXPECT_EQ(send(std::string(101, 'x')).refusal.code, RefusalCode::MessageTooLarge);
  EXPECT_EQ(send("").refusal.code, RefusalCode::EmptyMessage);
  EXPECT_EQ(send("  \r\n").refusal.code, RefusalCode::EmptyMessage);
  EXPECT_EQ(send("//").text, "/");  // the escape of a lone slash
  EXPECT_EQ(send("<x/>", Role::Member, Visibility::Public, "application/xml").refusal.code,
            RefusalCode::UnsupportedContent);
  const std::string cpim =
      "From: <sip:bob@example.com>\r\nTo: <sip:~lobby@example.com>\r\n\r\n"
      "Content-Type: text/plain\r\n\r\n/who";
  EXPECT_EQ(send(cpim, Role::Member, Visibility::Public, "message/cpim").action,
            InboundAction::Who);
}

TEST_F(RoomInboundTest, RateLimitRefusesWith503AndRetryAfter) {
  advance_ = false;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(send("x").action, InboundAction::Post);
  auto d = send("/who");
  ASSERT_EQ(d.action, InboundAction::Refuse);
  EXPECT_EQ(d.refusal.code, RefusalCode::RateLimited);
  EXPECT_EQ(sip_status(d.refusal.code), 503);
  EXPECT_EQ(d.refusal.retry_after, std::chrono::milliseconds(1000));
  now_ += std::chrono::seconds(1);
  EXPECT_EQ(send("x").action, InboundAction::Post);
}

}  // namespace
}  // namespace parley::chat
