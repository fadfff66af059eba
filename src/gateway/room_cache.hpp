// The core thread's copy of the chat facts every message needs at once:
// rooms, who is in which room with which role, buddy lists, each room's
// newest message. Loaded from the store at start and kept in step by the
// chat service after each store change it makes (the store stays the truth;
// the cache is never ahead of a committed change). Owned by ChatService.
// Thread: core.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/strong_id.hpp"
#include "gateway/user_directory.hpp"
#include "store/chat_types.hpp"
#include "store/types.hpp"

namespace parley::store {
class Store;
}

namespace parley::gateway {

struct CachedRoom {
  store::Room room;
  std::unordered_map<UserId, store::RoomRole> members;
  store::MessageId newest;  // invalid while the room has no message
};

struct ChatSnapshot {
  std::vector<store::Room> rooms;
  std::vector<store::Membership> memberships;
  std::vector<std::pair<UserId, UserId>> buddies;  // (user, buddy)
  std::vector<std::pair<store::RoomId, store::MessageId>> newest;
  std::vector<std::string> queued_identities;  // for ChatService
};

// Reads the snapshot (on the calling thread, before the core loop runs).
store::StoreResult<ChatSnapshot> load_chat_snapshot(store::Store& store);

class RoomCache {
 public:
  void load(const ChatSnapshot& snapshot);

  const CachedRoom* find(std::string_view name) const;
  const CachedRoom* find(store::RoomId id) const;
  std::vector<const CachedRoom*> all() const;  // ordered by name
  // The rooms a user is in.
  std::vector<const CachedRoom*> rooms_of(UserId user) const;
  std::optional<store::RoomRole> role(store::RoomId room, UserId user) const;
  std::size_t room_count() const { return rooms_.size(); }

  void put(const store::Room& room);  // added or changed (rename keeps members)
  void remove(store::RoomId room);
  void add_member(store::RoomId room, UserId user, store::RoomRole role);
  void remove_member(store::RoomId room, UserId user);
  void set_newest(store::RoomId room, store::MessageId id);

  void add_buddy(UserId user, UserId buddy);
  void remove_buddy(UserId user, UserId buddy);
  std::vector<UserId> buddies_of(UserId user) const;
  // Parley's rule for presence: a shared room, or either one has the other
  // as a buddy.
  bool may_watch(UserId watcher, UserId presentity) const;
  // Everyone who may watch `user` (room mates and buddy relations), without `user`.
  std::vector<UserId> watchers_of(UserId user) const;

 private:
  std::unordered_map<store::RoomId, CachedRoom> rooms_;
  StringMap<store::RoomId> by_name_;
  std::unordered_map<UserId, std::unordered_set<store::RoomId>> user_rooms_;
  std::unordered_map<UserId, std::unordered_set<UserId>> buddies_;     // user -> buddies it added
  std::unordered_map<UserId, std::unordered_set<UserId>> buddied_by_;  // buddy -> users who added it
};

}  // namespace parley::gateway
