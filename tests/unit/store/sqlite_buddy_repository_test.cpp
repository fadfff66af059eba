#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "chat_test_support.hpp"

namespace parley::store::testing {
namespace {

using BuddiesTest = ChatStoreTest;

TEST_F(BuddiesTest, AddListAndRemove) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  const UserId carol = user("carol");
  ASSERT_TRUE(store_->buddies().add(alice, carol, 1).ok());
  ASSERT_TRUE(store_->buddies().add(alice, bob, 2).ok());
  EXPECT_EQ(*store_->buddies().list(alice), (std::vector<UserId>{bob, carol}));  // by id
  EXPECT_TRUE(store_->buddies().list(bob)->empty());  // one-way
  ASSERT_TRUE(store_->buddies().remove(alice, carol).ok());
  EXPECT_EQ(*store_->buddies().list(alice), (std::vector<UserId>{bob}));
  EXPECT_EQ(store_->buddies().remove(alice, carol).error().code, StoreErrorCode::NotFound);
  EXPECT_EQ(store_->buddies().remove(bob, alice).error().code, StoreErrorCode::NotFound);
  EXPECT_TRUE(store_->buddies().list(UserId(404))->empty());
}

TEST_F(BuddiesTest, RefusesDuplicatesSelfAndUnknownUsers) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  ASSERT_TRUE(store_->buddies().add(alice, bob, 1).ok());
  EXPECT_EQ(store_->buddies().add(alice, bob, 2).error().code, StoreErrorCode::Duplicate);
  EXPECT_EQ(store_->buddies().add(alice, alice, 2).error().code, StoreErrorCode::Invalid);
  auto ghost = store_->buddies().add(alice, UserId(404), 2);
  ASSERT_FALSE(ghost.ok());
  EXPECT_EQ(ghost.error().code, StoreErrorCode::NotFound);
  EXPECT_NE(ghost.error().message.find("404"), std::string::npos) << ghost.error().message;
  EXPECT_EQ(store_->buddies().add(UserId(404), alice, 2).error().code, StoreErrorCode::NotFound);
  EXPECT_EQ(store_->buddies().list(alice)->size(), 1u);  // failures left nothing behind
}

TEST_F(BuddiesTest, AllPairsAndCascadeWhenAUserGoes) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  const UserId carol = user("carol");
  ASSERT_TRUE(store_->buddies().add(carol, alice, 1).ok());
  ASSERT_TRUE(store_->buddies().add(alice, bob, 1).ok());
  ASSERT_TRUE(store_->buddies().add(bob, alice, 1).ok());
  ASSERT_TRUE(store_->buddies().add(alice, carol, 1).ok());
  using Pairs = std::vector<std::pair<UserId, UserId>>;
  EXPECT_EQ(*store_->buddies().all(),
            (Pairs{{alice, bob}, {alice, carol}, {bob, alice}, {carol, alice}}));
  // Removing a user drops its buddies and its place in others' lists.
  ASSERT_TRUE(store_->users().remove("alice").ok());
  EXPECT_TRUE(store_->buddies().all()->empty());
}

TEST_F(BuddiesTest, SurviveReopen) {
  const UserId alice = user("alice");
  const UserId bob = user("bob");
  ASSERT_TRUE(store_->buddies().add(alice, bob, 1).ok());
  reopen();
  EXPECT_EQ(*store_->buddies().list(alice), (std::vector<UserId>{bob}));
  EXPECT_EQ(store_->buddies().add(alice, bob, 2).error().code, StoreErrorCode::Duplicate);
}

}  // namespace
}  // namespace parley::store::testing
