// web::ChatDelegate: what the browser API asks of the chat service.
#include <algorithm>

#include "chat/room_address.hpp"
#include "gateway/chat_service_impl.hpp"

namespace parley::gateway {

using web::ApiError;

namespace {

// After a membership change: the room as the user now sees it.
auto answer_room(ChatService::Impl& s, store::RoomId id, UserId uid, web::Done<web::RoomView> done) {
  return [&s, id, uid, done = std::move(done)](chat::ChatStatus st) {
    if (!st) return done(fail(api_error(st.error())));
    const CachedRoom* c = s.rooms.find(id);
    if (!c) return done(fail(ApiError{404, "not_found", "The room was deleted", 0}));
    done(s.view_of(*c, uid, 0, false));
  };
}

void change_membership(ChatService::Impl& s, const web::UserInfo& info, const std::string& room, bool join,
                       web::Done<web::RoomView> done) {
  auto c = s.room_context(info, room);
  if (!c) return done(fail(c.error()));
  auto answer = answer_room(s, c->room->room.id, c->me->id, std::move(done));
  if (join) return s.join(*c->me, *c->room, std::move(answer));
  s.leave(*c->me, *c->room, std::move(answer));
}

}  // namespace

void ChatService::list_rooms(const web::UserInfo& info, web::Done<std::vector<web::RoomView>> done) {
  Impl& s = *impl_;
  const UserEntry* me = s.sip.directory().user(info.name);
  if (!me) return done(fail(no_such_user(info.name)));
  UserId uid = me->id;
  struct Facts {
    std::vector<store::UnreadCount> unread;
    std::vector<store::Invitation> invitations;
  };
  s.on_store(
      [uid](store::Store& st) -> store::StoreResult<Facts> {
        auto unread = st.messages().unread_counts(uid);
        if (!unread) return fail(unread.error());
        auto inv = st.rooms().invitations_for(uid);
        if (!inv) return fail(inv.error());
        return Facts{std::move(*unread), std::move(*inv)};
      },
      [&s, uid, done](store::StoreResult<Facts> r) {
        if (!r) return done(fail(api_error(r.error())));
        std::vector<web::RoomView> out;
        for (const CachedRoom* room : s.rooms.all()) {
          bool member = room->members.count(uid) > 0;
          bool invited = std::any_of(r->invitations.begin(), r->invitations.end(),
                                     [&](const store::Invitation& i) { return i.room == room->room.id; });
          if (!member && !invited && room->room.visibility != store::RoomVisibility::Public) continue;
          std::uint64_t unread = 0;
          for (const auto& u : r->unread) {
            if (u.room == room->room.id) unread = u.unread;
          }
          out.push_back(s.view_of(*room, uid, unread, invited));
        }
        done(std::move(out));
      });
}

void ChatService::create_room(const web::UserInfo& info, web::NewRoomRequest req,
                              web::Done<web::RoomView> done) {
  Impl& s = *impl_;
  const UserEntry* me = s.sip.directory().user(info.name);
  if (!me) return done(fail(no_such_user(info.name)));
  auto name = chat::normalize_room_name(req.name);
  if (!name) {
    return done(fail(ApiError{400, "bad_request", "A room name is 1 to 64 of a-z 0-9 . _ - and starts with a letter or digit", 0}));
  }
  std::uint64_t owned = 0;
  for (const CachedRoom* r : s.rooms.all()) owned += r->room.owner == me->id ? 1 : 0;
  if (auto ok = chat::check_room_count(owned, s.limits); !ok) return done(fail(api_error(ok.error())));
  store::NewRoom nr{*name, req.title, req.topic, me->id,
                    req.visibility == "invite" ? store::RoomVisibility::Invite : store::RoomVisibility::Public};
  UserId uid = me->id;
  s.on_store(
      [nr](store::Store& st) -> store::StoreResult<store::Room> {
        auto id = st.rooms().add(nr, chat_wall_ms());
        if (!id) return fail(id.error());
        return st.rooms().find(*id);
      },
      [&s, uid, done](store::StoreResult<store::Room> r) {
        if (!r) return done(fail(api_error(r.error())));
        s.rooms.put(*r);
        s.rooms.add_member(r->id, uid, store::RoomRole::Owner);
        s.log->info("event=room-created room={} owner={}", r->name, uid.value());
        done(s.view_of(*s.rooms.find(r->id), uid, 0, false));
      });
}

void ChatService::update_room(const web::UserInfo& info, std::string room,
                              web::RoomChangeRequest change, web::Done<web::RoomView> done) {
  Impl& s = *impl_;
  auto c = s.room_context(info, room);
  if (!c) return done(fail(c.error()));
  const UserEntry* me = c->me;
  const CachedRoom* r = c->room;
  const chat::RoomAccess& access = c->access;
  for (auto action : {change.title ? chat::RoomAction::Rename : chat::RoomAction::ListMembers,
                      change.topic ? chat::RoomAction::SetTopic : chat::RoomAction::ListMembers,
                      change.visibility ? chat::RoomAction::SetVisibility : chat::RoomAction::ListMembers}) {
    if (auto ok = chat::check(action, access); !ok) return done(fail(api_error(ok.error())));
  }
  store::RoomId id = r->room.id;
  std::string name = r->room.name;
  UserId uid = me->id;
  s.on_store(
      [id, name, change](store::Store& st) -> store::StoreResult<store::Room> {
        auto status = st.transaction([&]() -> store::StoreStatus {
          if (change.title) {
            if (auto ok = st.rooms().rename(id, name, *change.title); !ok) return ok;
          }
          if (change.topic) {
            if (auto ok = st.rooms().set_topic(id, *change.topic); !ok) return ok;
          }
          if (change.visibility) {
            auto v = *change.visibility == "invite" ? store::RoomVisibility::Invite : store::RoomVisibility::Public;
            if (auto ok = st.rooms().set_visibility(id, v); !ok) return ok;
          }
          return Ok{};
        });
        if (!status) return fail(status.error());
        return st.rooms().find(id);
      },
      [&s, uid, name = info.name, done](store::StoreResult<store::Room> r) {
        if (!r) return done(fail(api_error(r.error())));
        s.rooms.put(*r);
        const CachedRoom* c = s.rooms.find(r->id);
        s.room_event(*c, "updated", name);
        done(s.view_of(*c, uid, 0, false));
      });
}

void ChatService::delete_room(const web::UserInfo& info, std::string room,
                              web::Done<web::NoContent> done) {
  Impl& s = *impl_;
  auto c = s.room_context(info, room, chat::RoomAction::Delete);
  if (!c) return done(fail(c.error()));
  const CachedRoom* r = c->room;
  store::RoomId id = r->room.id;
  s.on_store([id](store::Store& st) { return st.rooms().remove(id); },
             [&s, id, name = info.name, done](store::StoreStatus st) {
               if (!st) return done(fail(api_error(st.error())));
               std::vector<std::string> former;
               if (const CachedRoom* c = s.rooms.find(id)) {
                 s.room_event(*c, "deleted", name);
                 former = s.member_names(*c);
                 s.log->info("event=room-deleted room={} by={}", c->room.name, name);
               }
               s.rooms.remove(id);
               for (const auto& u : former) s.presence.recheck(u);
               done(web::NoContent{});
             });
}

void ChatService::join_room(const web::UserInfo& info, std::string room, web::Done<web::RoomView> done) {
  change_membership(*impl_, info, room, true, std::move(done));
}

void ChatService::leave_room(const web::UserInfo& info, std::string room, web::Done<web::RoomView> done) {
  change_membership(*impl_, info, room, false, std::move(done));
}

void ChatService::invite(const web::UserInfo& info, std::string room, std::string invitee,
                         web::Done<web::NoContent> done) {
  Impl& s = *impl_;
  auto c = s.room_context(info, room);
  if (!c) return done(fail(c.error()));
  const UserEntry* me = c->me;
  const CachedRoom* r = c->room;
  const UserEntry* who = s.sip.directory().user(invitee);
  if (!who) return done(fail(no_such_user(invitee)));
  chat::RoomAccess access{to_chat_visibility(r->room.visibility), to_chat_role(s.rooms.role(r->room.id, me->id)), false};
  if (auto ok = chat::check(chat::RoomAction::Invite, access); !ok) return done(fail(api_error(ok.error())));
  if (s.rooms.role(r->room.id, who->id)) {
    return done(fail(ApiError{409, "conflict", invitee + " is already a member", 0}));
  }
  store::RoomId id = r->room.id;
  UserId by = me->id, to = who->id;
  s.on_store([id, to, by](store::Store& st) { return st.rooms().invite(id, to, by, chat_wall_ms()); },
             [&s, id, invitee, done](store::StoreStatus st) {
               if (!st) return done(fail(api_error(st.error())));
               if (const CachedRoom* c = s.rooms.find(id)) s.room_event(*c, "invited", invitee, invitee);
               done(web::NoContent{});
             });
}

void ChatService::members(const web::UserInfo& info, std::string room,
                          web::Done<std::vector<web::MemberView>> done) {
  Impl& s = *impl_;
  auto c = s.room_context(info, room, chat::RoomAction::ListMembers);
  if (!c) return done(fail(c.error()));
  const CachedRoom* r = c->room;
  std::vector<web::MemberView> out;
  for (const auto& [uid, role] : r->members) {
    if (const UserEntry* u = s.user_by_id(uid)) out.push_back(s.member_view(*u, role));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  done(std::move(out));
}

}  // namespace parley::gateway
