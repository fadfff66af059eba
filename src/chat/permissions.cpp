#include "chat/permissions.hpp"

namespace parley::chat {

namespace {

bool is_member(Role r) { return r != Role::None; }
bool is_admin(Role r) { return r == Role::Admin || r == Role::Owner; }

ChatStatus need_member(const RoomAccess& a, const char* doing) {
  if (is_member(a.role)) return Ok{};
  return refuse(RefusalCode::NotMember, std::string("only members of the room can ") + doing);
}

ChatStatus need_admin(const RoomAccess& a, const char* doing) {
  if (is_admin(a.role)) return Ok{};
  if (!is_member(a.role)) {
    return refuse(RefusalCode::NotMember, std::string("only the room's admins can ") + doing);
  }
  return refuse(RefusalCode::Forbidden,
                std::string("only the room's owner or admins can ") + doing);
}

ChatStatus check_join(const RoomAccess& a) {
  if (is_member(a.role)) return refuse(RefusalCode::AlreadyMember, "you are already in this room");
  if (a.visibility == Visibility::InviteOnly && !a.invited) {
    return refuse(RefusalCode::NotInvited,
                  "this room is invite-only; ask a member for an invitation");
  }
  return Ok{};
}

}  // namespace

ChatStatus check(RoomAction action, const RoomAccess& a) {
  switch (action) {
    case RoomAction::ReadHistory: return need_member(a, "read its history");
    case RoomAction::ListMembers:
      if (a.visibility == Visibility::Public) return Ok{};
      return need_member(a, "see who is in it");
    case RoomAction::Post: return need_member(a, "post to it; join it first");
    case RoomAction::Join: return check_join(a);
    case RoomAction::Leave:
      if (a.role == Role::Owner) {
        return refuse(RefusalCode::OwnerMustStay,
                      "the owner cannot leave the room; delete it instead");
      }
      return need_member(a, "leave it");
    case RoomAction::Invite:
      if (a.visibility == Visibility::Public) return need_member(a, "invite people");
      return need_admin(a, "invite people to an invite-only room");
    case RoomAction::Rename: return need_admin(a, "rename it");
    case RoomAction::SetTopic: return need_admin(a, "change its topic");
    case RoomAction::SetVisibility: return need_admin(a, "make it public or invite-only");
    case RoomAction::Delete: return need_admin(a, "delete it");
  }
  return refuse(RefusalCode::Forbidden, "not allowed");
}

ChatStatus check_remove_member(Role actor, Role target) {
  if (target == Role::None) return refuse(RefusalCode::NotMember, "that user is not in the room");
  if (target == Role::Owner) return refuse(RefusalCode::Forbidden, "the owner cannot be removed");
  if (actor == Role::Owner) return Ok{};
  if (actor == Role::Admin && target == Role::Member) return Ok{};
  return refuse(RefusalCode::Forbidden, actor == Role::Admin
                                            ? "only the owner can remove an admin"
                                            : "only the room's owner or admins can remove members");
}

ChatStatus check_set_role(Role actor, Role target, Role new_role) {
  if (actor != Role::Owner)
    return refuse(RefusalCode::Forbidden, "only the owner can change roles");
  if (target == Role::None) return refuse(RefusalCode::NotMember, "that user is not in the room");
  if (target == Role::Owner || new_role == Role::Owner || new_role == Role::None) {
    return refuse(RefusalCode::Forbidden, "a member can be made admin or member, nothing else");
  }
  return Ok{};
}

ChatStatus check_private_message(std::string_view recipient_name, bool recipient_dnd) {
  if (!recipient_dnd) return Ok{};
  return refuse(RefusalCode::DoNotDisturb,
                std::string(recipient_name) + " does not want to be disturbed right now");
}

}  // namespace parley::chat
