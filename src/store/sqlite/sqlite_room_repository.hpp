// RoomRepository on SQLite. Owned by SqliteStore. Thread: store.
#pragma once

#include "store/room_repository.hpp"
#include "store/sqlite/database.hpp"

namespace parley::store::sqlite {

class SqliteRoomRepository final : public RoomRepository {
 public:
  // Bounds on free texts, so one room cannot bloat every member list.
  static constexpr std::size_t kMaxDisplayName = 128;
  static constexpr std::size_t kMaxTopic = 1024;

  explicit SqliteRoomRepository(Database& db) : db_(db) {}

  StoreResult<RoomId> add(const NewRoom& room, std::int64_t now_ms) override;
  StoreStatus rename(RoomId room, std::string_view name, std::string_view display_name) override;
  StoreStatus set_topic(RoomId room, std::string_view topic) override;
  StoreStatus set_visibility(RoomId room, RoomVisibility visibility) override;
  StoreStatus remove(RoomId room) override;

  StoreResult<Room> find(RoomId room) override;
  StoreResult<Room> find(std::string_view name) override;
  StoreResult<std::vector<Room>> list_public() override;
  StoreResult<std::vector<Room>> list_for_user(UserId user) override;
  StoreResult<std::vector<Room>> list_all() override;
  StoreResult<std::uint64_t> count_owned(UserId user) override;

  StoreStatus add_member(RoomId room, UserId user, RoomRole role, std::int64_t now_ms) override;
  StoreStatus set_role(RoomId room, UserId user, RoomRole role) override;
  StoreStatus remove_member(RoomId room, UserId user) override;
  StoreResult<RoomRole> role(RoomId room, UserId user) override;
  StoreResult<std::vector<RoomMember>> members(RoomId room) override;
  StoreResult<std::vector<Membership>> all_memberships() override;

  StoreStatus invite(RoomId room, UserId user, UserId by, std::int64_t now_ms) override;
  StoreStatus revoke_invitation(RoomId room, UserId user) override;
  StoreResult<bool> is_invited(RoomId room, UserId user) override;
  StoreResult<std::vector<Invitation>> invitations_for(UserId user) override;

 private:
  StoreResult<RoomId> insert(const NewRoom& room, const std::string& name, std::int64_t now_ms);
  StoreStatus update_one(std::string_view sql, RoomId room, std::string_view text,
                         std::string_view what);
  StoreResult<std::vector<Room>> list(std::string_view sql, std::int64_t arg);
  StoreStatus exists(std::string_view table, std::int64_t id, std::string_view what);

  Database& db_;
};

}  // namespace parley::store::sqlite
