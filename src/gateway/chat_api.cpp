// The browser API's rooms, history, search and buddies (web::ChatDelegate),
// and the membership changes SIP /commands share with it. Every rule is
// chat/permissions.hpp's, checked on the core against the RoomCache before
// the store thread changes anything; the cache follows the committed change.
#include <algorithm>

#include "chat/room_address.hpp"
#include "chat/room_command.hpp"
#include "gateway/chat_service_impl.hpp"
#include "web/api_codec.hpp"

namespace parley::gateway {

using web::ApiError;

chat::Role to_chat_role(std::optional<store::RoomRole> role) {
  if (!role) return chat::Role::None;
  switch (*role) {
    case store::RoomRole::Owner: return chat::Role::Owner;
    case store::RoomRole::Admin: return chat::Role::Admin;
    default: return chat::Role::Member;
  }
}

chat::Visibility to_chat_visibility(store::RoomVisibility v) {
  return v == store::RoomVisibility::Invite ? chat::Visibility::InviteOnly : chat::Visibility::Public;
}

std::string role_name(store::RoomRole role) {
  switch (role) {
    case store::RoomRole::Owner: return "owner";
    case store::RoomRole::Admin: return "admin";
    default: return "member";
  }
}

ApiError api_error(const chat::Refusal& r) {
  int status = 403;
  switch (r.code) {
    case chat::RefusalCode::AlreadyMember:
    case chat::RefusalCode::OwnerMustStay: status = 409; break;
    case chat::RefusalCode::InvalidRoomName:
    case chat::RefusalCode::EmptyMessage: status = 400; break;
    case chat::RefusalCode::MessageTooLarge: status = 413; break;
    case chat::RefusalCode::RateLimited: status = 429; break;
    case chat::RefusalCode::UnsupportedContent: status = 415; break;
    default: break;
  }
  auto secs = static_cast<std::uint32_t>((r.retry_after.count() + 999) / 1000);
  return ApiError{status, std::string(chat::code_name(r.code)), r.message, secs};
}

ApiError api_error(const store::StoreError& e) {
  switch (e.code) {
    case store::StoreErrorCode::NotFound: return ApiError{404, "not_found", e.message, 0};
    case store::StoreErrorCode::Duplicate: return ApiError{409, "conflict", e.message, 0};
    case store::StoreErrorCode::Invalid: return ApiError{400, "bad_request", e.message, 0};
    default: return ApiError{500, "internal", "The store failed; try again", 0};
  }
}


// ---- views ----

web::RoomView ChatService::Impl::view_of(const CachedRoom& r, UserId user, std::uint64_t unread,
                                         bool invited) const {
  web::RoomView v;
  v.name = r.room.name;
  v.title = r.room.display_name.empty() ? r.room.name : r.room.display_name;
  v.topic = r.room.topic;
  v.visibility = r.room.visibility == store::RoomVisibility::Invite ? "invite" : "public";
  v.uri = room_uri(r.room.name);
  auto it = r.members.find(user);
  if (it != r.members.end()) v.role = role_name(it->second);
  v.joined = it != r.members.end();
  v.invited = invited && !v.joined;
  v.members = r.members.size();
  v.unread = unread;
  if (r.newest.valid()) v.last_id = message_id_text(r.newest);
  return v;
}

web::StoredMessageView ChatService::Impl::view_of(const store::StoredMessage& m) const {
  web::StoredMessageView v;
  v.id = message_id_text(m.id);
  if (const CachedRoom* r = m.room.valid() ? rooms.find(m.room) : nullptr) v.room = r->room.name;
  v.from = m.sender_uri;
  v.from_user = m.sender_name;
  if (const UserEntry* u = m.recipient.valid() ? user_by_id(m.recipient) : nullptr) v.to_user = u->name;
  v.text = m.body;
  v.time_ms = m.created_at;
  return v;
}

web::MemberView ChatService::Impl::member_view(const UserEntry& u,
                                               std::optional<store::RoomRole> role) const {
  web::MemberView v;
  v.name = u.name;
  v.display_name = u.display_name.empty() ? u.name : u.display_name;
  if (role) v.role = role_name(*role);
  auto state = presence.state_of(u.name);
  v.presence.status = api_status_name(state.status);
  v.presence.note = state.note;
  return v;
}

void ChatService::Impl::room_event(const CachedRoom& room, std::string_view kind,
                                   std::string_view user, std::string_view also_user) {
  if (!web) return;
  std::string json = web::codec::encode_room_event(room.room.name, kind, user);
  for (const auto& [uid, role] : room.members) {
    if (const UserEntry* u = user_by_id(uid)) web->push_to_user(u->name, json);
  }
  if (!also_user.empty()) web->push_to_user(also_user, json);
}

ApiError no_such_user(std::string_view name) {
  return ApiError{404, "not_found", "No user named " + std::string(name), 0};
}

web::ApiResult<ChatService::Impl::RoomContext> ChatService::Impl::room_context(
    const web::UserInfo& info, std::string_view room, std::optional<chat::RoomAction> action) const {
  RoomContext c;
  c.me = sip.directory().user(info.name);
  if (!c.me) return fail(no_such_user(info.name));
  c.room = rooms.find(room);
  if (!c.room) return fail(ApiError{404, "not_found", "No room named " + std::string(room), 0});
  c.access = chat::RoomAccess{to_chat_visibility(c.room->room.visibility),
                              to_chat_role(rooms.role(c.room->room.id, c.me->id)), false};
  if (action) {
    if (auto ok = chat::check(*action, c.access); !ok) return fail(api_error(ok.error()));
  }
  return c;
}

// ---- membership, shared with /join and /leave ----

void ChatService::Impl::join(const UserEntry& user, const CachedRoom& room, Changed done) {
  store::RoomId id = room.room.id;
  UserId uid = user.id;
  chat::RoomAccess access{to_chat_visibility(room.room.visibility),
                          to_chat_role(rooms.role(id, uid)), false};
  if (access.role != chat::Role::None || access.visibility == chat::Visibility::Public) {
    if (auto ok = chat::check(chat::RoomAction::Join, access); !ok) return done(ok);
  }
  on_store(
      [id, uid, access](store::Store& s) mutable -> chat::ChatStatus {
        if (access.visibility == chat::Visibility::InviteOnly) {
          auto invited = s.rooms().is_invited(id, uid);
          access.invited = invited && *invited;
          if (auto ok = chat::check(chat::RoomAction::Join, access); !ok) return ok;
        }
        auto added = s.rooms().add_member(id, uid, store::RoomRole::Member, chat_wall_ms());
        if (!added) return chat::refuse(chat::RefusalCode::Forbidden, added.error().message);
        return Ok{};
      },
      [this, id, uid, name = user.name, done](chat::ChatStatus st) {
        if (st) {
          rooms.add_member(id, uid, store::RoomRole::Member);
          if (const CachedRoom* r = rooms.find(id)) room_event(*r, "joined", name);
          log->info("event=room-joined room={} user={}", id.value(), name);
        }
        done(st);
      });
}

void ChatService::Impl::leave(const UserEntry& user, const CachedRoom& room, Changed done) {
  store::RoomId id = room.room.id;
  UserId uid = user.id;
  chat::RoomAccess access{to_chat_visibility(room.room.visibility),
                          to_chat_role(rooms.role(id, uid)), false};
  if (auto ok = chat::check(chat::RoomAction::Leave, access); !ok) return done(ok);
  on_store(
      [id, uid](store::Store& s) -> chat::ChatStatus {
        auto removed = s.rooms().remove_member(id, uid);
        if (!removed) return chat::refuse(chat::RefusalCode::NotMember, removed.error().message);
        return Ok{};
      },
      [this, id, uid, name = user.name, done](chat::ChatStatus st) {
        if (st) {
          if (const CachedRoom* r = rooms.find(id)) room_event(*r, "left", name, name);
          rooms.remove_member(id, uid);
          presence.recheck(name);
          log->info("event=room-left room={} user={}", id.value(), name);
        }
        done(st);
      });
}

void ChatService::Impl::command_join(const UserEntry& user, const std::string& room,
                                     const sip::Message& req, const sip::Flow& from,
                                     const std::string& reply_room) {
  const CachedRoom* r = rooms.find(room);
  if (!r) return reply_from_room(reply_room, req, from, "No room named " + room + ".");
  join(user, *r, [this, room, req, from, reply_room](chat::ChatStatus st) {
    reply_from_room(reply_room, req, from,
                    st ? "You joined ~" + room + ". Write to " + room_uri(room) + " to post there."
                       : st.error().message);
  });
}

void ChatService::Impl::command_leave(const UserEntry& user, const std::string& room,
                                      const sip::Message& req, const sip::Flow& from,
                                      const std::string& reply_room) {
  const CachedRoom* r = rooms.find(room);
  if (!r) return reply_from_room(reply_room, req, from, "No room named " + room + ".");
  leave(user, *r, [this, room, req, from, reply_room](chat::ChatStatus st) {
    reply_from_room(reply_room, req, from, st ? "You left ~" + room + "." : st.error().message);
  });
}

}  // namespace parley::gateway
