#include "gateway/room_cache.hpp"

#include <algorithm>

#include "store/store.hpp"

namespace parley::gateway {

store::StoreResult<ChatSnapshot> load_chat_snapshot(store::Store& store) {
  ChatSnapshot s;
  auto rooms = store.rooms().list_all();
  if (!rooms) return fail(rooms.error());
  s.rooms = std::move(*rooms);
  auto members = store.rooms().all_memberships();
  if (!members) return fail(members.error());
  s.memberships = std::move(*members);
  auto buddies = store.buddies().all();
  if (!buddies) return fail(buddies.error());
  s.buddies = std::move(*buddies);
  auto newest = store.messages().newest_per_room();
  if (!newest) return fail(newest.error());
  s.newest = std::move(*newest);
  auto queued = store.messages().queued_identities();
  if (!queued) return fail(queued.error());
  s.queued_identities = std::move(*queued);
  return s;
}

void RoomCache::load(const ChatSnapshot& s) {
  rooms_.clear();
  by_name_.clear();
  user_rooms_.clear();
  buddies_.clear();
  buddied_by_.clear();
  for (const auto& r : s.rooms) put(r);
  for (const auto& m : s.memberships) add_member(m.room, m.user, m.role);
  for (const auto& [user, buddy] : s.buddies) add_buddy(user, buddy);
  for (const auto& [room, id] : s.newest) set_newest(room, id);
}

const CachedRoom* RoomCache::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : find(it->second);
}

const CachedRoom* RoomCache::find(store::RoomId id) const {
  auto it = rooms_.find(id);
  return it == rooms_.end() ? nullptr : &it->second;
}

std::vector<const CachedRoom*> RoomCache::all() const {
  std::vector<const CachedRoom*> out;
  out.reserve(rooms_.size());
  for (const auto& [id, r] : rooms_) out.push_back(&r);
  std::sort(out.begin(), out.end(),
            [](const CachedRoom* a, const CachedRoom* b) { return a->room.name < b->room.name; });
  return out;
}

std::vector<const CachedRoom*> RoomCache::rooms_of(UserId user) const {
  std::vector<const CachedRoom*> out;
  auto it = user_rooms_.find(user);
  if (it == user_rooms_.end()) return out;
  for (auto id : it->second) {
    if (const CachedRoom* r = find(id)) out.push_back(r);
  }
  std::sort(out.begin(), out.end(),
            [](const CachedRoom* a, const CachedRoom* b) { return a->room.name < b->room.name; });
  return out;
}

std::optional<store::RoomRole> RoomCache::role(store::RoomId room, UserId user) const {
  const CachedRoom* r = find(room);
  if (!r) return std::nullopt;
  auto it = r->members.find(user);
  if (it == r->members.end()) return std::nullopt;
  return it->second;
}

void RoomCache::put(const store::Room& room) {
  auto& entry = rooms_[room.id];
  if (!entry.room.name.empty() && entry.room.name != room.name) by_name_.erase(entry.room.name);
  entry.room = room;
  by_name_[room.name] = room.id;
}

void RoomCache::remove(store::RoomId room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  for (const auto& [user, role] : it->second.members) {
    auto u = user_rooms_.find(user);
    if (u == user_rooms_.end()) continue;
    u->second.erase(room);
    if (u->second.empty()) user_rooms_.erase(u);
  }
  by_name_.erase(it->second.room.name);
  rooms_.erase(it);
}

void RoomCache::add_member(store::RoomId room, UserId user, store::RoomRole role) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  it->second.members[user] = role;
  user_rooms_[user].insert(room);
}

void RoomCache::remove_member(store::RoomId room, UserId user) {
  auto it = rooms_.find(room);
  if (it != rooms_.end()) it->second.members.erase(user);
  auto u = user_rooms_.find(user);
  if (u == user_rooms_.end()) return;
  u->second.erase(room);
  if (u->second.empty()) user_rooms_.erase(u);
}

void RoomCache::set_newest(store::RoomId room, store::MessageId id) {
  auto it = rooms_.find(room);
  if (it != rooms_.end() && (!it->second.newest.valid() || it->second.newest < id)) {
    it->second.newest = id;
  }
}

void RoomCache::add_buddy(UserId user, UserId buddy) {
  buddies_[user].insert(buddy);
  buddied_by_[buddy].insert(user);
}

void RoomCache::remove_buddy(UserId user, UserId buddy) {
  if (auto it = buddies_.find(user); it != buddies_.end()) it->second.erase(buddy);
  if (auto it = buddied_by_.find(buddy); it != buddied_by_.end()) it->second.erase(user);
}

std::vector<UserId> RoomCache::buddies_of(UserId user) const {
  auto it = buddies_.find(user);
  if (it == buddies_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

bool RoomCache::may_watch(UserId watcher, UserId presentity) const {
  if (watcher == presentity) return true;
  if (auto it = buddies_.find(watcher); it != buddies_.end() && it->second.count(presentity)) {
    return true;
  }
  if (auto it = buddies_.find(presentity); it != buddies_.end() && it->second.count(watcher)) {
    return true;
  }
  auto a = user_rooms_.find(watcher);
  auto b = user_rooms_.find(presentity);
  if (a == user_rooms_.end() || b == user_rooms_.end()) return false;
  const auto& small = a->second.size() <= b->second.size() ? a->second : b->second;
  const auto& large = a->second.size() <= b->second.size() ? b->second : a->second;
  return std::any_of(small.begin(), small.end(), [&](store::RoomId r) { return large.count(r); });
}

std::vector<UserId> RoomCache::watchers_of(UserId user) const {
  std::unordered_set<UserId> seen;
  if (auto it = user_rooms_.find(user); it != user_rooms_.end()) {
    for (auto room : it->second) {
      if (const CachedRoom* r = find(room)) {
        for (const auto& [member, role] : r->members) seen.insert(member);
      }
    }
  }
  if (auto it = buddies_.find(user); it != buddies_.end()) seen.insert(it->second.begin(), it->second.end());
  if (auto it = buddied_by_.find(user); it != buddied_by_.end()) {
    seen.insert(it->second.begin(), it->second.end());
  }
  seen.erase(user);
  return {seen.begin(), seen.end()};
}

}  // namespace parley::gateway
