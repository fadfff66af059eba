// Who may do what in a room: the rules every entry point (browser API, SIP
// MESSAGE, text commands) asks before touching the store. Pure functions of
// plain values. Thread: any.
//
//   action          public room                 invite-only room
//   read history    member                      member
//   list members    anyone                      member
//   post            member                      member
//   join            anyone not yet a member     only with an invitation
//   leave           member but the owner        member but the owner
//   invite          member                      admin or owner
//   rename, topic,  admin or owner              admin or owner
//   visibility, delete
//   remove member   admin: members; owner: anyone but itself
//   change roles    owner
//   private message anyone, unless the recipient is in do-not-disturb
#pragma once

#include <string_view>

#include "chat/refusal.hpp"

namespace parley::chat {

enum class Role { None, Member, Admin, Owner };  // None: not a member
enum class Visibility { Public, InviteOnly };

enum class RoomAction {
  ReadHistory,
  ListMembers,
  Post,
  Join,
  Leave,
  Invite,
  Rename,
  SetTopic,
  SetVisibility,
  Delete,
};

// What the rules need to know about one user and one room.
struct RoomAccess {
  Visibility visibility = Visibility::Public;
  Role role = Role::None;
  bool invited = false;
};

ChatStatus check(RoomAction action, const RoomAccess& access);
// Removing someone else from the room (leaving is RoomAction::Leave).
ChatStatus check_remove_member(Role actor, Role target);
// Making a member admin or member again; the owner role is not handed out here.
ChatStatus check_set_role(Role actor, Role target, Role new_role);
// A one-to-one message: anyone may write to any user (a buddy, someone
// from a room's member list) unless that user is in do-not-disturb, which
// refuses private chats while room messages still arrive (issue 4).
ChatStatus check_private_message(std::string_view recipient_name, bool recipient_dnd);

}  // namespace parley::chat
