#include "store/sqlite/sqlite_room_repository.hpp"

#include <sqlite3.h>

#include <optional>

#include "base/strings.hpp"
#include "store/validation.hpp"

namespace parley::store::sqlite {

namespace {

constexpr std::string_view kSelectRoom =
    "SELECT id, name, display_name, topic, owner_id, visibility, created_at FROM rooms ";

Room read_room(const Statement& st) {
  Room r;
  r.id = RoomId(static_cast<std::uint64_t>(st.int64(0)));
  r.name = st.text(1);
  r.display_name = st.text(2);
  r.topic = st.text(3);
  r.owner = UserId(static_cast<std::uint64_t>(st.is_null(4) ? 0 : st.int64(4)));
  r.visibility = st.text(5) == "invite" ? RoomVisibility::Invite : RoomVisibility::Public;
  r.created_at = st.int64(6);
  return r;
}

std::string_view visibility_text(RoomVisibility v) {
  return v == RoomVisibility::Invite ? "invite" : "public";
}

std::string_view role_text(RoomRole r) {
  switch (r) {
    case RoomRole::Owner: return "owner";
    case RoomRole::Admin: return "admin";
    case RoomRole::Member: break;
  }
  return "member";
}

RoomRole role_from_text(std::string_view t) {
  if (t == "owner") return RoomRole::Owner;
  if (t == "admin") return RoomRole::Admin;
  return RoomRole::Member;
}

StoreError invalid(std::string message) { return {StoreErrorCode::Invalid, std::move(message)}; }
StoreError no_room(RoomId id) {
  return {StoreErrorCode::NotFound, "no room id " + std::to_string(id.value())};
}

std::optional<StoreError> check_name(std::string_view name) {
  if (!is_valid_name(name)) {
    return invalid("room name " + in_quotes(name) + " must match " + std::string(kNameRule));
  }
  return std::nullopt;
}

std::optional<StoreError> check_text(std::string_view text, std::size_t max,
                                     std::string_view what) {
  if (text.size() > max) {
    return invalid(std::string(what) + " is longer than " + std::to_string(max) + " bytes");
  }
  return std::nullopt;
}

}  // namespace

StoreResult<RoomId> SqliteRoomRepository::add(const NewRoom& room, std::int64_t now_ms) {
  const std::string name = to_lower(room.name);
  if (auto e = check_name(name)) return fail(std::move(*e));
  if (auto e = check_text(room.display_name, kMaxDisplayName, "display name"))
    return fail(std::move(*e));
  if (auto e = check_text(room.topic, kMaxTopic, "topic")) return fail(std::move(*e));
  std::optional<StoreResult<RoomId>> result;
  auto status = db_.transaction([&]() -> StoreStatus {
    result.emplace(insert(room, name, now_ms));
    if (!result->ok()) return fail(result->error());
    return Ok{};
  });
  if (!status.ok()) return fail(status.error());
  return *result;
}

StoreResult<RoomId> SqliteRoomRepository::insert(const NewRoom& room, const std::string& name,
                                                 std::int64_t now_ms) {
  auto st = db_.prepare(
      "INSERT INTO rooms (name, display_name, topic, owner_id, visibility, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  st.bind_text(1, name).bind_text(2, room.display_name).bind_text(3, room.topic);
  st.bind_int(4, sql_id(room.owner))
      .bind_text(5, visibility_text(room.visibility))
      .bind_int(6, now_ms);
  if (int rc = st.step(); rc != SQLITE_DONE) {
    auto e = db_.error(rc, "add room " + in_quotes(name));
    if (e.code == StoreErrorCode::Duplicate)
      e.message = "room name " + in_quotes(name) + " is taken";
    if (e.code == StoreErrorCode::NotFound)
      e.message = "no user id " + std::to_string(room.owner.value());
    return fail(std::move(e));
  }
  const RoomId id(static_cast<std::uint64_t>(db_.last_insert_id()));
  if (auto s = add_member(id, room.owner, RoomRole::Owner, now_ms); !s.ok()) return fail(s.error());
  return id;
}

StoreStatus SqliteRoomRepository::update_one(std::string_view sql, RoomId room,
                                             std::string_view text, std::string_view what) {
  auto st = db_.prepare(sql);
  st.bind_text(1, text).bind_int(2, sql_id(room));
  if (int rc = st.step(); rc != SQLITE_DONE) {
    auto e = db_.error(rc, what);
    if (e.code == StoreErrorCode::Duplicate)
      e.message = "room name " + in_quotes(text) + " is taken";
    return fail(std::move(e));
  }
  if (db_.changes() == 0) return fail(no_room(room));
  return Ok{};
}

StoreStatus SqliteRoomRepository::rename(RoomId room, std::string_view name,
                                         std::string_view display_name) {
  const std::string lower = to_lower(name);
  if (auto e = check_name(lower)) return fail(std::move(*e));
  if (auto e = check_text(display_name, kMaxDisplayName, "display name"))
    return fail(std::move(*e));
  return db_.transaction([&]() -> StoreStatus {
    if (auto s = update_one("UPDATE rooms SET name = ?1 WHERE id = ?2", room, lower, "rename room");
        !s.ok()) {
      return s;
    }
    return update_one("UPDATE rooms SET display_name = ?1 WHERE id = ?2", room, display_name,
                      "rename room");
  });
}

StoreStatus SqliteRoomRepository::set_topic(RoomId room, std::string_view topic) {
  if (auto e = check_text(topic, kMaxTopic, "topic")) return fail(std::move(*e));
  return update_one("UPDATE rooms SET topic = ?1 WHERE id = ?2", room, topic, "set topic");
}

StoreStatus SqliteRoomRepository::set_visibility(RoomId room, RoomVisibility visibility) {
  return update_one("UPDATE rooms SET visibility = ?1 WHERE id = ?2", room,
                    visibility_text(visibility), "set visibility");
}

StoreStatus SqliteRoomRepository::remove(RoomId room) {
  return db_.transaction([&]() -> StoreStatus {
    auto st = db_.prepare("DELETE FROM rooms WHERE id = ?1");
    st.bind_int(1, sql_id(room));
    if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "remove room"));
    if (db_.changes() == 0) return fail(no_room(room));
    return Ok{};
  });
}

StoreResult<Room> SqliteRoomRepository::find(RoomId room) {
  auto st = db_.prepare(std::string(kSelectRoom) + "WHERE id = ?1");
  st.bind_int(1, sql_id(room));
  const int rc = st.step();
  if (rc == SQLITE_ROW) return read_room(st);
  if (rc == SQLITE_DONE) return fail(no_room(room));
  return fail(db_.error(rc, "find room"));
}

StoreResult<Room> SqliteRoomRepository::find(std::string_view name) {
  auto st = db_.prepare(std::string(kSelectRoom) + "WHERE name = ?1");
  st.bind_text(1, name);
  const int rc = st.step();
  if (rc == SQLITE_ROW) return read_room(st);
  if (rc == SQLITE_DONE)
    return fail(StoreError{StoreErrorCode::NotFound, "no room " + in_quotes(name)});
  return fail(db_.error(rc, "find room"));
}

StoreResult<std::vector<Room>> SqliteRoomRepository::list(std::string_view sql, std::int64_t arg) {
  auto st = db_.prepare(sql);
  if (arg != 0) st.bind_int(1, arg);
  return db_.rows(st, "list rooms", [&] { return read_room(st); });
}

StoreResult<std::vector<Room>> SqliteRoomRepository::list_public() {
  return list(std::string(kSelectRoom) + "WHERE visibility = 'public' ORDER BY name", 0);
}

StoreResult<std::vector<Room>> SqliteRoomRepository::list_for_user(UserId user) {
  return list(std::string(kSelectRoom) +
                  "WHERE id IN (SELECT room_id FROM room_members WHERE user_id = ?1) ORDER BY name",
              sql_id(user));
}

StoreResult<std::vector<Room>> SqliteRoomRepository::list_all() {
  return list(std::string(kSelectRoom) + "ORDER BY name", 0);
}

StoreResult<std::uint64_t> SqliteRoomRepository::count_owned(UserId user) {
  auto st = db_.prepare("SELECT count(*) FROM rooms WHERE owner_id = ?1");
  st.bind_int(1, sql_id(user));
  const int rc = st.step();
  if (rc != SQLITE_ROW) return fail(db_.error(rc, "count rooms"));
  return static_cast<std::uint64_t>(st.int64(0));
}

StoreStatus SqliteRoomRepository::exists(std::string_view table, std::int64_t id,
                                         std::string_view what) {
  auto st = db_.prepare("SELECT 1 FROM " + std::string(table) + " WHERE id = ?1");
  st.bind_int(1, id);
  const int rc = st.step();
  if (rc == SQLITE_ROW) return Ok{};
  if (rc == SQLITE_DONE) {
    return fail(StoreError{StoreErrorCode::NotFound,
                           "no " + std::string(what) + " id " + std::to_string(id)});
  }
  return fail(db_.error(rc, "look up " + std::string(what)));
}

StoreStatus SqliteRoomRepository::add_member(RoomId room, UserId user, RoomRole role,
                                             std::int64_t now_ms) {
  return db_.transaction([&]() -> StoreStatus {
    // Named NotFound errors: a foreign key failure does not say which side.
    if (auto s = exists("rooms", sql_id(room), "room"); !s.ok()) return s;
    if (auto s = exists("users", sql_id(user), "user"); !s.ok()) return s;
    auto st = db_.prepare(
        "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (?1, ?2, ?3, ?4)");
    st.bind_int(1, sql_id(room))
        .bind_int(2, sql_id(user))
        .bind_text(3, role_text(role))
        .bind_int(4, now_ms);
    if (int rc = st.step(); rc != SQLITE_DONE) {
      auto e = db_.error(rc, "add member");
      if (e.code == StoreErrorCode::Duplicate) e.message = "already a member of the room";
      return fail(std::move(e));
    }
    // A new member has read what was said before it came (unread counts).
    auto read = db_.prepare(
        "INSERT OR REPLACE INTO room_reads (room_id, user_id, last_read) VALUES (?1, ?2, "
        "(SELECT coalesce(max(id), 0) FROM messages WHERE room_id = ?1))");
    read.bind_int(1, sql_id(room)).bind_int(2, sql_id(user));
    if (int rc = read.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "set read marker"));
    auto drop = db_.prepare("DELETE FROM room_invitations WHERE room_id = ?1 AND user_id = ?2");
    drop.bind_int(1, sql_id(room)).bind_int(2, sql_id(user));
    if (int rc = drop.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "drop invitation"));
    return Ok{};
  });
}

StoreStatus SqliteRoomRepository::set_role(RoomId room, UserId user, RoomRole role) {
  auto st = db_.prepare("UPDATE room_members SET role = ?3 WHERE room_id = ?1 AND user_id = ?2");
  st.bind_int(1, sql_id(room)).bind_int(2, sql_id(user)).bind_text(3, role_text(role));
  if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "set role"));
  if (db_.changes() == 0)
    return fail(StoreError{StoreErrorCode::NotFound, "not a member of the room"});
  return Ok{};
}

StoreStatus SqliteRoomRepository::remove_member(RoomId room, UserId user) {
  auto st = db_.prepare("DELETE FROM room_members WHERE room_id = ?1 AND user_id = ?2");
  st.bind_int(1, sql_id(room)).bind_int(2, sql_id(user));
  if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "remove member"));
  if (db_.changes() == 0)
    return fail(StoreError{StoreErrorCode::NotFound, "not a member of the room"});
  return Ok{};
}

StoreResult<RoomRole> SqliteRoomRepository::role(RoomId room, UserId user) {
  auto st = db_.prepare("SELECT role FROM room_members WHERE room_id = ?1 AND user_id = ?2");
  st.bind_int(1, sql_id(room)).bind_int(2, sql_id(user));
  const int rc = st.step();
  if (rc == SQLITE_ROW) return role_from_text(st.text(0));
  if (rc == SQLITE_DONE)
    return fail(StoreError{StoreErrorCode::NotFound, "not a member of the room"});
  return fail(db_.error(rc, "member role"));
}

StoreResult<std::vector<RoomMember>> SqliteRoomRepository::members(RoomId room) {
  auto st = db_.prepare(
      "SELECT u.id, u.name, u.display_name, m.role, m.joined_at FROM room_members m "
      "JOIN users u ON u.id = m.user_id WHERE m.room_id = ?1 ORDER BY u.name");
  st.bind_int(1, sql_id(room));
  return db_.rows(st, "list members", [&] {
    return RoomMember{UserId(static_cast<std::uint64_t>(st.int64(0))), st.text(1), st.text(2),
                      role_from_text(st.text(3)), st.int64(4)};
  });
}

StoreResult<std::vector<Membership>> SqliteRoomRepository::all_memberships() {
  auto st = db_.prepare("SELECT room_id, user_id, role FROM room_members ORDER BY room_id, user_id");
  return db_.rows(st, "list memberships", [&] {
    return Membership{RoomId(static_cast<std::uint64_t>(st.int64(0))),
                      UserId(static_cast<std::uint64_t>(st.int64(1))), role_from_text(st.text(2))};
  });
}

StoreStatus SqliteRoomRepository::invite(RoomId room, UserId user, UserId by, std::int64_t now_ms) {
  return db_.transaction([&]() -> StoreStatus {
    if (auto s = exists("rooms", sql_id(room), "room"); !s.ok()) return s;
    if (auto s = exists("users", sql_id(user), "user"); !s.ok()) return s;
    auto st = db_.prepare(
        "INSERT INTO room_invitations (room_id, user_id, invited_by, created_at) "
        "VALUES (?1, ?2, ?3, ?4)");
    st.bind_int(1, sql_id(room)).bind_int(2, sql_id(user)).bind_int(4, now_ms);
    if (by.valid())
      st.bind_int(3, sql_id(by));
    else
      st.bind_null(3);
    if (int rc = st.step(); rc != SQLITE_DONE) {
      auto e = db_.error(rc, "invite");
      if (e.code == StoreErrorCode::Duplicate) e.message = "already invited to the room";
      return fail(std::move(e));
    }
    return Ok{};
  });
}

StoreStatus SqliteRoomRepository::revoke_invitation(RoomId room, UserId user) {
  auto st = db_.prepare("DELETE FROM room_invitations WHERE room_id = ?1 AND user_id = ?2");
  st.bind_int(1, sql_id(room)).bind_int(2, sql_id(user));
  if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "revoke invitation"));
  if (db_.changes() == 0) return fail(StoreError{StoreErrorCode::NotFound, "no such invitation"});
  return Ok{};
}

StoreResult<bool> SqliteRoomRepository::is_invited(RoomId room, UserId user) {
  auto st = db_.prepare("SELECT 1 FROM room_invitations WHERE room_id = ?1 AND user_id = ?2");
  st.bind_int(1, sql_id(room)).bind_int(2, sql_id(user));
  const int rc = st.step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return fail(db_.error(rc, "look up invitation"));
}

StoreResult<std::vector<Invitation>> SqliteRoomRepository::invitations_for(UserId user) {
  auto st = db_.prepare(
      "SELECT i.room_id, r.name, i.user_id, i.invited_by, i.created_at FROM room_invitations i "
      "JOIN rooms r ON r.id = i.room_id WHERE i.user_id = ?1 ORDER BY r.name");
  st.bind_int(1, sql_id(user));
  return db_.rows(st, "list invitations", [&] {
    return Invitation{RoomId(static_cast<std::uint64_t>(st.int64(0))), st.text(1),
                      UserId(static_cast<std::uint64_t>(st.int64(2))),
                      UserId(static_cast<std::uint64_t>(st.is_null(3) ? 0 : st.int64(3))),
                      st.int64(4)};
  });
}

}  // namespace parley::store::sqlite
