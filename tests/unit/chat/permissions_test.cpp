#include "chat/permissions.hpp"

#include <gtest/gtest.h>

namespace parley::chat {
namespace {

constexpr RoomAccess access(Visibility v, Role r, bool invited = false) { return {v, r, invited}; }

void expect_refused(const ChatStatus& s, RefusalCode code) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, code);
  EXPECT_FALSE(s.error().message.empty());
}

TEST(Permissions, MembersReadAndPostOthersDoNot) {
  for (auto v : {Visibility::Public, Visibility::InviteOnly}) {
    for (auto r : {Role::Member, Role::Admin, Role::Owner}) {
      EXPECT_TRUE(check(RoomAction::Post, access(v, r)).ok());
      EXPECT_TRUE(check(RoomAction::ReadHistory, access(v, r)).ok());
      EXPECT_TRUE(check(RoomAction::ListMembers, access(v, r)).ok());
    }
    expect_refused(check(RoomAction::Post, access(v, Role::None, true)), RefusalCode::NotMember);
    expect_refused(check(RoomAction::ReadHistory, access(v, Role::None)), RefusalCode::NotMember);
  }
  EXPECT_TRUE(check(RoomAction::ListMembers, access(Visibility::Public, Role::None)).ok());
  expect_refused(check(RoomAction::ListMembers, access(Visibility::InviteOnly, Role::None)),
                 RefusalCode::NotMember);
}

TEST(Permissions, JoiningPublicIsFreeInviteOnlyNeedsAnInvitation) {
  EXPECT_TRUE(check(RoomAction::Join, access(Visibility::Public, Role::None)).ok());
  expect_refused(check(RoomAction::Join, access(Visibility::InviteOnly, Role::None)),
                 RefusalCode::NotInvited);
  EXPECT_TRUE(check(RoomAction::Join, access(Visibility::InviteOnly, Role::None, true)).ok());
  expect_refused(check(RoomAction::Join, access(Visibility::Public, Role::Member)),
                 RefusalCode::AlreadyMember);
}

TEST(Permissions, LeavingIsForMembersButNotTheOwner) {
  EXPECT_TRUE(check(RoomAction::Leave, access(Visibility::Public, Role::Member)).ok());
  EXPECT_TRUE(check(RoomAction::Leave, access(Visibility::Public, Role::Admin)).ok());
  expect_refused(check(RoomAction::Leave, access(Visibility::Public, Role::Owner)),
                 RefusalCode::OwnerMustStay);
  expect_refused(check(RoomAction::Leave, access(Visibility::Public, Role::None)),
                 RefusalCode::NotMember);
}

TEST(Permissions, InvitingDependsOnVisibility) {
  EXPECT_TRUE(check(RoomAction::Invite, access(Visibility::Public, Role::Member)).ok());
  expect_refused(check(RoomAction::Invite, access(Visibility::InviteOnly, Role::Member)),
                 RefusalCode::Forbidden);
  EXPECT_TRUE(check(RoomAction::Invite, access(Visibility::InviteOnly, Role::Admin)).ok());
  expect_refused(check(RoomAction::Invite, access(Visibility::Public, Role::None)),
                 RefusalCode::NotMember);
}

TEST(Permissions, ManagingTheRoomIsForAdminsAndTheOwner) {
  for (auto a :
       {RoomAction::Rename, RoomAction::SetTopic, RoomAction::SetVisibility, RoomAction::Delete}) {
    EXPECT_TRUE(check(a, access(Visibility::Public, Role::Owner)).ok());
    EXPECT_TRUE(check(a, access(Visibility::InviteOnly, Role::Admin)).ok());
    expect_refused(check(a, access(Visibility::Public, Role::Member)), RefusalCode::Forbidden);
    expect_refused(check(a, access(Visibility::Public, Role::None)), RefusalCode::NotMember);
  }
}

TEST(Permissions, RemovingAndPromotingMembers) {
  EXPECT_TRUE(check_remove_member(Role::Owner, Role::Admin).ok());
  EXPECT_TRUE(check_remove_member(Role::Admin, Role::Member).ok());
  expect_refused(check_remove_member(Role::Admin, Role::Admin), RefusalCode::Forbidden);
  expect_refused(check_remove_member(Role::Member, Role::Member), RefusalCode::Forbidden);
  expect_refused(check_remove_member(Role::Admin, Role::Owner), RefusalCode::Forbidden);
  expect_refused(check_remove_member(Role::Owner, Role::None), RefusalCode::NotMember);
  EXPECT_TRUE(check_set_role(Role::Owner, Role::Member, Role::Admin).ok());
  EXPECT_TRUE(check_set_role(Role::Owner, Role::Admin, Role::Member).ok());
  expect_refused(check_set_role(Role::Admin, Role::Member, Role::Admin), RefusalCode::Forbidden);
  expect_refused(check_set_role(Role::Owner, Role::Member, Role::Owner), RefusalCode::Forbidden);
  expect_refused(check_set_role(Role::Owner, Role::None, Role::Admin), RefusalCode::NotMember);
}

TEST(Permissions, PrivateMessagesStopAtDoNotDisturb) {
  EXPECT_TRUE(check_private_message("bob", false).ok());
  auto r = check_private_message("bob", true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, RefusalCode::DoNotDisturb);
  EXPECT_EQ(r.error().message, "bob does not want to be disturbed right now");
  EXPECT_EQ(sip_status(RefusalCode::DoNotDisturb), 480);
  EXPECT_EQ(code_name(RefusalCode::DoNotDisturb), "do_not_disturb");
}

TEST(Refusals, CodesAndSipStatuses) {
  EXPECT_EQ(code_name(RefusalCode::RateLimited), "rate_limited");
  EXPECT_EQ(code_name(RefusalCode::MessageTooLarge), "too_large");
  EXPECT_EQ(code_name(RefusalCode::NotMember), "not_member");
  EXPECT_EQ(sip_status(RefusalCode::NotMember), 403);
  EXPECT_EQ(sip_status(RefusalCode::MessageTooLarge), 413);
  EXPECT_EQ(sip_status(RefusalCode::RateLimited), 503);
  EXPECT_EQ(sip_status(RefusalCode::EmptyMessage), 400);
  EXPECT_EQ(sip_status(RefusalCode::TooManyRooms), 403);
}

}  // namespace
}  // namespace parley::chat
