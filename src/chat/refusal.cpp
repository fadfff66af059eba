#include "chat/refusal.hpp"

namespace parley::chat {

std::string_view code_name(RefusalCode code) {
  switch (code) {
    case RefusalCode::NotMember: return "not_member";
    case RefusalCode::NotInvited: return "not_invited";
    case RefusalCode::AlreadyMember: return "already_member";
    case RefusalCode::Forbidden: return "forbidden";
    case RefusalCode::OwnerMustStay: return "owner_must_stay";
    case RefusalCode::InvalidRoomName: return "invalid_room_name";
    case RefusalCode::EmptyMessage: return "empty_message";
    case RefusalCode::MessageTooLarge: return "too_large";
    case RefusalCode::RateLimited: return "rate_limited";
    case RefusalCode::TooManyRooms: return "too_many_rooms";
    case RefusalCode::UnsupportedContent: return "unsupported_content";
    case RefusalCode::DoNotDisturb: return "do_not_disturb";
  }
  return "forbidden";
}

int sip_status(RefusalCode code) {
  switch (code) {
    case RefusalCode::MessageTooLarge: return 413;
    case RefusalCode::EmptyMessage:
    case RefusalCode::InvalidRoomName: return 400;
    case RefusalCode::RateLimited: return 503;
    case RefusalCode::UnsupportedContent: return 415;
    case RefusalCode::DoNotDisturb: return 480;
    default: return 403;
  }
}

}  // namespace parley::chat
