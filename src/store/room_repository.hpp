// Chatrooms, their members and invitations in the store. Pure data access:
// who may do what is decided by chat/ before calling. Owned by a Store;
// called from the store thread only (it blocks on disk). Thread: store.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "store/chat_types.hpp"

namespace parley::store {

class RoomRepository {
 public:
  virtual ~RoomRepository() = default;

  // Creates the room and makes its owner a member with role Owner, in one
  // transaction. Invalid if the name breaks is_valid_name() (after
  // lower-casing) or a text is too long; Duplicate if the name is taken;
  // NotFound if the owner does not exist.
  virtual StoreResult<RoomId> add(const NewRoom& room, std::int64_t now_ms) = 0;
  // Changes the name (and so the room's SIP URI) and the display name.
  virtual StoreStatus rename(RoomId room, std::string_view name, std::string_view display_name) = 0;
  virtual StoreStatus set_topic(RoomId room, std::string_view topic) = 0;
  virtual StoreStatus set_visibility(RoomId room, RoomVisibility visibility) = 0;
  // Removes the room with its members, invitations, messages and their
  // queued deliveries (cascade).
  virtual StoreStatus remove(RoomId room) = 0;

  virtual StoreResult<Room> find(RoomId room) = 0;
  virtual StoreResult<Room> find(std::string_view name) = 0;              // case-insensitive
  virtual StoreResult<std::vector<Room>> list_public() = 0;               // ordered by name
  virtual StoreResult<std::vector<Room>> list_for_user(UserId user) = 0;  // rooms it is in
  // Every room, public or not, ordered by name: the core's cache at start.
  virtual StoreResult<std::vector<Room>> list_all() = 0;
  // Rooms the user owns, for the rooms-per-user limit.
  virtual StoreResult<std::uint64_t> count_owned(UserId user) = 0;

  // Adds a member and drops its invitation, in one transaction. Duplicate if
  // already a member; NotFound if the room or user does not exist.
  virtual StoreStatus add_member(RoomId room, UserId user, RoomRole role, std::int64_t now_ms) = 0;
  virtual StoreStatus set_role(RoomId room, UserId user,
                               RoomRole role) = 0;                  // NotFound if not a member
  virtual StoreStatus remove_member(RoomId room, UserId user) = 0;  // NotFound if not a member
  // The member's role; NotFound if the user is not a member.
  virtual StoreResult<RoomRole> role(RoomId room, UserId user) = 0;
  virtual StoreResult<std::vector<RoomMember>> members(RoomId room) = 0;  // ordered by user name
  // Every member of every room in one read, ordered by room then user id:
  // the core's cache at start, without one query per room.
  virtual StoreResult<std::vector<Membership>> all_memberships() = 0;

  // Duplicate if already invited; NotFound if the room or user does not exist.
  virtual StoreStatus invite(RoomId room, UserId user, UserId by, std::int64_t now_ms) = 0;
  virtual StoreStatus revoke_invitation(RoomId room, UserId user) = 0;  // NotFound if none
  virtual StoreResult<bool> is_invited(RoomId room, UserId user) = 0;
  virtual StoreResult<std::vector<Invitation>> invitations_for(UserId user) = 0;
};

}  // namespace parley::store
