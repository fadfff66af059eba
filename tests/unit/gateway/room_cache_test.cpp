// RoomCache: the core thread's copy of rooms, members and buddy lists, and
// the presence rule built on it (a shared room, or a buddy either way).
#include "gateway/room_cache.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace parley::gateway {
namespace {

using store::RoomId;
using store::RoomRole;

const UserId kAlice{1};
const UserId kBob{2};
const UserId kCarol{3};
const UserId kDave{4};
const RoomId kLobby{10};
const RoomId kStaff{11};

store::Room room(RoomId id, std::string name) {
  store::Room r;
  r.id = id;
  r.name = std::move(name);
  r.owner = kAlice;
  return r;
}

std::vector<std::string> names(const std::vector<const CachedRoom*>& rooms) {
  std::vector<std::string> out;
  for (const auto* r : rooms) out.push_back(r->room.name);
  return out;
}

std::vector<UserId> sorted(std::vector<UserId> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// lobby: alice (owner), bob; staff: alice (admin), carol; dave buddies bob.
ChatSnapshot community() {
  ChatSnapshot s;
  s.rooms = {room(kStaff, "staff"), room(kLobby, "lobby")};
  s.memberships = {{kLobby, kAlice, RoomRole::Owner},
                   {kLobby, kBob, RoomRole::Member},
                   {kStaff, kAlice, RoomRole::Admin},
                   {kStaff, kCarol, RoomRole::Member}};
  s.buddies = {{kDave, kBob}};
  s.newest = {{kLobby, store::MessageId{7}}};
  return s;
}

class RoomCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { cache_.load(community()); }
  RoomCache cache_;
};

TEST_F(RoomCacheTest, LoadIndexesRoomsByNameAndIdWithMembersRolesAndNewest) {
  EXPECT_EQ(cache_.room_count(), 2u);
  const CachedRoom* lobby = cache_.find("lobby");
  ASSERT_NE(lobby, nullptr);
  EXPECT_EQ(lobby->room.id, kLobby);
  EXPECT_EQ(cache_.find(kLobby), lobby);
  EXPECT_EQ(lobby->members.size(), 2u);
  EXPECT_EQ(lobby->newest, store::MessageId{7});
  EXPECT_FALSE(cache_.find("staff")->newest.valid());
  EXPECT_EQ(cache_.find("nowhere"), nullptr);
  EXPECT_EQ(cache_.find(RoomId{99}), nullptr);

  EXPECT_EQ(names(cache_.all()), (std::vector<std::string>{"lobby", "staff"}));
  EXPECT_EQ(names(cache_.rooms_of(kAlice)), (std::vector<std::string>{"lobby", "staff"}));
  EXPECT_EQ(names(cache_.rooms_of(kCarol)), std::vector<std::string>{"staff"});
  EXPECT_TRUE(cache_.rooms_of(kDave).empty());
  EXPECT_EQ(cache_.role(kStaff, kAlice), RoomRole::Admin);
  EXPECT_EQ(cache_.role(kLobby, kAlice), RoomRole::Owner);
  EXPECT_EQ(cache_.role(kLobby, kCarol), std::nullopt);
  EXPECT_EQ(cache_.buddies_of(kDave), std::vector<UserId>{kBob});
}

TEST_F(RoomCacheTest, LoadAgainReplacesEverything) {
  ChatSnapshot other;
  other.rooms = {room(RoomId{20}, "random")};
  other.memberships = {{RoomId{20}, kDave, RoomRole::Owner}};
  cache_.load(other);
  EXPECT_EQ(cache_.room_count(), 1u);
  EXPECT_EQ(cache_.find("lobby"), nullptr);
  EXPECT_TRUE(cache_.rooms_of(kAlice).empty());
  EXPECT_TRUE(cache_.buddies_of(kDave).empty());
  EXPECT_FALSE(cache_.may_watch(kDave, kBob));
  EXPECT_EQ(names(cache_.rooms_of(kDave)), std::vector<std::string>{"random"});
}

TEST_F(RoomCacheTest, PutAddsARoomAndRenameKeepsMembersUnderTheNewNameOnly) {
  cache_.put(room(RoomId{12}, "random"));
  ASSERT_NE(cache_.find("random"), nullptr);
  EXPECT_TRUE(cache_.find("random")->members.empty());
  EXPECT_EQ(cache_.room_count(), 3u);

  store::Room renamed = room(kLobby, "hall");
  renamed.topic = "welcome";
  cache_.put(renamed);
  EXPECT_EQ(cache_.find("lobby"), nullptr);
  const CachedRoom* hall = cache_.find("hall");
  ASSERT_NE(hall, nullptr);
  EXPECT_EQ(hall->room.id, kLobby);
  EXPECT_EQ(hall->room.topic, "welcome");
  EXPECT_EQ(hall->members.size(), 2u);
  EXPECT_EQ(hall->newest, store::MessageId{7});
  EXPECT_EQ(cache_.room_count(), 3u);
  EXPECT_EQ(names(cache_.rooms_of(kBob)), std::vector<std::string>{"hall"});
  // The old name is free for another room.
  cache_.put(room(RoomId{13}, "lobby"));
  ASSERT_NE(cache_.find("lobby"), nullptr);
  EXPECT_EQ(cache_.find("lobby")->room.id, RoomId{13});
  EXPECT_EQ(cache_.find("hall")->room.id, kLobby);
}

TEST_F(RoomCacheTest, MembersAddChangeRoleAndRemove) {
  cache_.add_member(kLobby, kCarol, RoomRole::Member);
  EXPECT_EQ(cache_.role(kLobby, kCarol), RoomRole::Member);
  EXPECT_EQ(names(cache_.rooms_of(kCarol)), (std::vector<std::string>{"lobby", "staff"}));
  cache_.add_member(kLobby, kCarol, RoomRole::Admin);  // a new role replaces the old
  EXPECT_EQ(cache_.role(kLobby, kCarol), RoomRole::Admin);
  EXPECT_EQ(cache_.find(kLobby)->members.size(), 3u);

  cache_.remove_member(kLobby, kCarol);
  EXPECT_EQ(cache_.role(kLobby, kCarol), std::nullopt);
  EXPECT_EQ(names(cache_.rooms_of(kCarol)), std::vector<std::string>{"staff"});
  cache_.remove_member(kStaff, kCarol);
  EXPECT_TRUE(cache_.rooms_of(kCarol).empty());
  EXPECT_EQ(cache_.find(kStaff)->members.size(), 1u);

  // A member of a room the cache does not know is ignored, not invented.
  cache_.add_member(RoomId{99}, kDave, RoomRole::Member);
  EXPECT_TRUE(cache_.rooms_of(kDave).empty());
  EXPECT_EQ(cache_.role(RoomId{99}, kDave), std::nullopt);
}

TEST_F(RoomCacheTest, NewestOnlyMovesForward) {
  cache_.set_newest(kLobby, store::MessageId{5});
  EXPECT_EQ(cache_.find(kLobby)->newest, store::MessageId{7});
  cache_.set_newest(kLobby, store::MessageId{9});
  EXPECT_EQ(cache_.find(kLobby)->newest, store::MessageId{9});
  cache_.set_newest(kStaff, store::MessageId{1});
  EXPECT_EQ(cache_.find(kStaff)->newest, store::MessageId{1});
}

TEST_F(RoomCacheTest, MayWatchThroughASharedRoom) {
  EXPECT_TRUE(cache_.may_watch(kBob, kAlice));    // lobby
  EXPECT_TRUE(cache_.may_watch(kAlice, kBob));
  EXPECT_TRUE(cache_.may_watch(kCarol, kAlice));  // staff
  EXPECT_FALSE(cache_.may_watch(kBob, kCarol));   // different rooms
  EXPECT_FALSE(cache_.may_watch(kCarol, kBob));
  EXPECT_TRUE(cache_.may_watch(kCarol, kCarol));  // oneself, always
  EXPECT_TRUE(cache_.may_watch(kDave, kDave));
}

TEST_F(RoomCacheTest, MayWatchThroughABuddyEitherWay) {
  // dave added bob: dave may watch bob, and bob may watch dave.
  EXPECT_TRUE(cache_.may_watch(kDave, kBob));
  EXPECT_TRUE(cache_.may_watch(kBob, kDave));
  EXPECT_FALSE(cache_.may_watch(kDave, kAlice));
  EXPECT_FALSE(cache_.may_watch(kAlice, kDave));

  cache_.add_buddy(kCarol, kDave);
  EXPECT_TRUE(cache_.may_watch(kDave, kCarol));
  cache_.remove_buddy(kDave, kBob);
  EXPECT_FALSE(cache_.may_watch(kDave, kBob));
  EXPECT_FALSE(cache_.may_watch(kBob, kDave));
  EXPECT_TRUE(cache_.buddies_of(kDave).empty());
}

TEST_F(RoomCacheTest, MayWatchEndsWhenTheSharedRoomIsLeft) {
  cache_.remove_member(kLobby, kBob);
  EXPECT_FALSE(cache_.may_watch(kBob, kAlice));
  EXPECT_FALSE(cache_.may_watch(kAlice, kBob));
}

TEST_F(RoomCacheTest, WatchersOfAreRoomMatesAndBuddiesBothWaysWithoutTheUser) {
  EXPECT_EQ(sorted(cache_.watchers_of(kAlice)), (std::vector<UserId>{kBob, kCarol}));
  EXPECT_EQ(sorted(cache_.watchers_of(kBob)), (std::vector<UserId>{kAlice, kDave}));
  EXPECT_EQ(sorted(cache_.watchers_of(kDave)), std::vector<UserId>{kBob});
  EXPECT_EQ(sorted(cache_.watchers_of(kCarol)), std::vector<UserId>{kAlice});

  // A room mate who is also a buddy is listed once.
  cache_.add_buddy(kAlice, kBob);
  EXPECT_EQ(sorted(cache_.watchers_of(kAlice)), (std::vector<UserId>{kBob, kCarol}));
  EXPECT_TRUE(cache_.watchers_of(UserId{42}).empty());
}

TEST_F(RoomCacheTest, RemoveRoomCleansEveryIndex) {
  cache_.remove(kLobby);
  EXPECT_EQ(cache_.find("lobby"), nullptr);
  EXPECT_EQ(cache_.find(kLobby), nullptr);
  EXPECT_EQ(cache_.room_count(), 1u);
  EXPECT_EQ(names(cache_.all()), std::vector<std::string>{"staff"});
  EXPECT_TRUE(cache_.rooms_of(kBob).empty());
  EXPECT_EQ(names(cache_.rooms_of(kAlice)), std::vector<std::string>{"staff"});
  EXPECT_EQ(cache_.role(kLobby, kAlice), std::nullopt);
  EXPECT_FALSE(cache_.may_watch(kBob, kAlice));
  EXPECT_EQ(sorted(cache_.watchers_of(kAlice)), std::vector<UserId>{kCarol});
  EXPECT_EQ(sorted(cache_.watchers_of(kBob)), std::vector<UserId>{kDave});  // the buddy stays

  // The name can be used again; the old members are not carried over.
  cache_.put(room(RoomId{30}, "lobby"));
  ASSERT_NE(cache_.find("lobby"), nullptr);
  EXPECT_TRUE(cache_.find("lobby")->members.empty());
  cache_.remove(RoomId{99});  // unknown: nothing happens
  EXPECT_EQ(cache_.room_count(), 2u);
}

}  // namespace
}  // namespace parley::gateway
