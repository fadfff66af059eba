#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include "chat_test_support.hpp"

namespace parley::store::testing {
namespace {

using RoomsTest = ChatStoreTest;

TEST_F(RoomsTest, CreateMakesOwnerAMemberAndFindsByNameOrId) {
  const UserId alice = user("alice");
  const RoomId lobby = room("Lobby", alice);
  auto by_name = store_->rooms().find("LOBBY");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->id, lobby);
  EXPECT_EQ(by_name->name, "lobby");  // stored lower-case
  EXPECT_EQ(by_name->owner, alice);
  EXPECT_EQ(by_name->visibility, RoomVisibility::Public);
  auto role = store_->rooms().role(lobby, alice);
  ASSERT_TRUE(role.ok());
  EXPECT_EQ(*role, RoomRole::Owner);
  auto count = store_->rooms().count_owned(alice);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1u);
}

TEST_F(RoomsTest, CreateRefusesBadNamesDuplicatesAndUnknownOwners) {
  const UserId alice = user("alice");
  room("lobby", alice);
  auto dup = store_->rooms().add(NewRoom{"LOBBY", "", "", alice, RoomVisibility::Public}, 1);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, StoreErrorCode::Duplicate);
  for (const char* bad : {"", "-x", "a b", "~lobby", "lob@by", "x/y"}) {
    auto r = store_->rooms().add(NewRoom{bad, "", "", alice, RoomVisibility::Public}, 1);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, StoreErrorCode::Invalid) << bad;
  }
  auto ghost =
      store_->rooms().add(NewRoom{"ghost", "", "", UserId(999), RoomVisibility::Public}, 1);
  ASSERT_FALSE(ghost.ok());
  EXPECT_EQ(ghost.error().code, StoreErrorCode::NotFound);
  auto topic = store_->rooms().add(
      NewRoom{"big", "", std::string(5000, 't'), alice, RoomVisibility::Public}, 1);
  ASSERT_FALSE(topic.ok());
  EXPECT_EQ(topic.error().code, StoreErrorCode::Invalid);
  EXPECT_FALSE(store_->rooms().find("big").ok());  // nothing half-created
}

TEST_F(RoomsTest, RenameTopicAndVisibility) {
  const UserId alice = user("alice");
  const RoomId a = room("a", alice);
  room("b", alice);
  ASSERT_TRUE(store_->rooms().rename(a, "Kitchen", "The Kitchen").ok());
  ASSERT_TRUE(store_->rooms().set_topic(a, "soup").ok());
  ASSERT_TRUE(store_->rooms().set_visibility(a, RoomVisibility::Invite).ok());
  auto r = store_->rooms().find(a);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->name, "kitchen");
  EXPECT_EQ(r->display_name, "The Kitchen");
  EXPECT_EQ(r->topic, "soup");
  EXPECT_EQ(r->visibility, RoomVisibility::Invite);
  auto clash = store_->rooms().rename(a, "b", "B");
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, StoreErrorCode::Duplicate);
  EXPECT_EQ(store_->rooms().find(a)->display_name, "The Kitchen");  // rolled back as a whole
  EXPECT_EQ(store_->rooms().rename(RoomId(999), "zzz", "").error().code, StoreErrorCode::NotFound);
  EXPECT_EQ(store_->rooms().rename(a, "bad name", "").error().code, StoreErrorCode::Invalid);
}

TEST_F(RoomsTest, MembershipRolesAndLists) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  const UserId carol = user("carol");
  const RoomId lobby = room("lobby", alice);
  const RoomId secret = room("secret", bob, RoomVisibility::Invite);
  ASSERT_TRUE(store_->rooms().add_member(lobby, bob, RoomRole::Member, 5).ok());
  EXPECT_EQ(store_->rooms().add_member(lobby, bob, RoomRole::Member, 6).error().code,
            StoreErrorCode::Duplicate);
  EXPECT_EQ(store_->rooms().add_member(RoomId(77), bob, RoomRole::Member, 6).error().code,
            StoreErrorCode::NotFound);
  EXPECT_EQ(store_->rooms().add_member(lobby, UserId(77), RoomRole::Member, 6).error().code,
            StoreErrorCode::NotFound);
  ASSERT_TRUE(store_->rooms().set_role(lobby, bob, RoomRole::Admin).ok());
  EXPECT_EQ(*store_->rooms().role(lobby, bob), RoomRole::Admin);
  EXPECT_EQ(store_->rooms().set_role(lobby, carol, RoomRole::Admin).error().code,
            StoreErrorCode::NotFound);
  EXPECT_EQ(store_->rooms().role(lobby, carol).error().code, StoreErrorCode::NotFound);

  auto members = store_->rooms().members(lobby);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].user_name, "alice");
  EXPECT_EQ((*members)[0].role, RoomRole::Owner);
  EXPECT_EQ((*members)[1].user_name, "bob");
  EXPECT_EQ((*members)[1].joined_at, 5);

  auto bobs = store_->rooms().list_for_user(bob);
  ASSERT_TRUE(bobs.ok());
  ASSERT_EQ(bobs->size(), 2u);
  auto pub = store_->rooms().list_public();
  ASSERT_EQ(pub->size(), 1u);
  EXPECT_EQ((*pub)[0].id, lobby);
  (void)secret;

  ASSERT_TRUE(store_->rooms().remove_member(lobby, bob).ok());
  EXPECT_EQ(store_->rooms().remove_member(lobby, bob).error().code, StoreErrorCode::NotFound);
  EXPECT_EQ(store_->rooms().members(lobby)->size(), 1u);
}

TEST_F(RoomsTest, ListAllAndAllMembershipsCoverEveryRoom) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  const RoomId zoo = room("zoo", bob);
  const RoomId attic = room("attic", alice, RoomVisibility::Invite);
  const RoomId lobby = room("lobby", alice);
  ASSERT_TRUE(store_->rooms().add_member(lobby, bob, RoomRole::Admin, 1).ok());
  ASSERT_TRUE(store_->rooms().add_member(zoo, alice, RoomRole::Member, 1).ok());

  auto all = store_->rooms().list_all();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);  // invite-only rooms too, ordered by name
  EXPECT_EQ((*all)[0].name, "attic");
  EXPECT_EQ((*all)[0].visibility, RoomVisibility::Invite);
  EXPECT_EQ((*all)[1].name, "lobby");
  EXPECT_EQ((*all)[2].name, "zoo");
  EXPECT_EQ((*all)[2].owner, bob);

  auto rows = store_->rooms().all_memberships();
  ASSERT_TRUE(rows.ok());
  std::vector<std::tuple<RoomId, UserId, RoomRole>> got;
  for (const auto& m : *rows) got.emplace_back(m.room, m.user, m.role);
  const std::vector<std::tuple<RoomId, UserId, RoomRole>> want{
      {zoo, alice, RoomRole::Member},  {zoo, bob, RoomRole::Owner},
      {attic, alice, RoomRole::Owner}, {lobby, alice, RoomRole::Owner},
      {lobby, bob, RoomRole::Admin}};
  EXPECT_EQ(got, want);  // ordered by room id, then user id

  ASSERT_TRUE(store_->users().remove("bob").ok());
  EXPECT_EQ(store_->rooms().all_memberships()->size(), 3u);
  EXPECT_EQ(store_->rooms().list_all()->size(), 3u);
}

TEST_F(RoomsTest, EmptyStoreHasNoRoomsOrMemberships) {
  EXPECT_TRUE(store_->rooms().list_all()->empty());
  EXPECT_TRUE(store_->rooms().all_memberships()->empty());
}

TEST_F(RoomsTest, InvitationsAreConsumedByJoining) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  const RoomId secret = room("secret", alice, RoomVisibility::Invite);
  EXPECT_FALSE(*store_->rooms().is_invited(secret, bob));
  ASSERT_TRUE(store_->rooms().invite(secret, bob, alice, 9).ok());
  EXPECT_EQ(store_->rooms().invite(secret, bob, alice, 9).error().code, StoreErrorCode::Duplicate);
  EXPECT_TRUE(*store_->rooms().is_invited(secret, bob));
  auto inv = store_->rooms().invitations_for(bob);
  ASSERT_EQ(inv->size(), 1u);
  EXPECT_EQ((*inv)[0].room_name, "secret");
  EXPECT_EQ((*inv)[0].invited_by, alice);
  ASSERT_TRUE(store_->rooms().add_member(secret, bob, RoomRole::Member, 10).ok());
  EXPECT_FALSE(*store_->rooms().is_invited(secret, bob));
  EXPECT_EQ(store_->rooms().revoke_invitation(secret, bob).error().code, StoreErrorCode::NotFound);
  EXPECT_EQ(store_->rooms().invite(RoomId(5), bob, alice, 1).error().code,
            StoreErrorCode::NotFound);
}

TEST_F(RoomsTest, DeleteCascadesMembersInvitationsMessagesIndexAndQueue) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  const RoomId lobby = room("lobby", alice);
  const RoomId other = room("other", alice);
  ASSERT_TRUE(store_->rooms().invite(lobby, bob, alice, 1).ok());
  post(lobby, alice, "pineapple pizza", {"web:bob"});
  post(other, alice, "pineapple juice");
  ASSERT_TRUE(store_->rooms().remove(lobby).ok());
  EXPECT_EQ(store_->rooms().remove(lobby).error().code, StoreErrorCode::NotFound);
  EXPECT_FALSE(store_->rooms().find(lobby).ok());
  EXPECT_TRUE(store_->rooms().invitations_for(bob)->empty());
  EXPECT_TRUE(store_->rooms().role(lobby, alice).error().code == StoreErrorCode::NotFound);
  EXPECT_TRUE(store_->messages().room_history(lobby, MessageId(), 50)->messages.empty());
  EXPECT_TRUE(store_->messages().pending("web:bob", 50)->empty());
  auto hits = store_->messages().search(alice, "pineapple", RoomId(), 10);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);  // the deleted room's message left the FTS index too
  EXPECT_EQ((*hits)[0].body, "pineapple juice");
}

TEST_F(RoomsTest, RemovingTheOwnerKeepsTheRoom) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  const RoomId lobby = room("lobby", alice);
  ASSERT_TRUE(store_->rooms().add_member(lobby, bob, RoomRole::Admin, 1).ok());
  ASSERT_TRUE(store_->users().remove("alice").ok());
  auto r = store_->rooms().find(lobby);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->owner.valid());
  EXPECT_EQ(store_->rooms().members(lobby)->size(), 1u);
}

TEST_F(RoomsTest, RoomsSurviveReopen) {
  const UserId alice = user("alice");
  const RoomId lobby = room("lobby", alice, RoomVisibility::Invite);
  ASSERT_TRUE(store_->rooms().set_topic(lobby, "héllo ☃").ok());
  reopen();
  auto r = store_->rooms().find("lobby");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->topic, "héllo ☃");
  EXPECT_EQ(r->visibility, RoomVisibility::Invite);
  EXPECT_EQ(*store_->rooms().role(lobby, alice), RoomRole::Owner);
}

}  // namespace
}  // namespace parley::store::testing
