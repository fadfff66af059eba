// Room names and the rooms' SIP URIs. A room named NAME is reached at
// sip:~NAME@DOMAIN: user and SIP account names are [a-z0-9][a-z0-9._-]*, so
// no user can ever be "~anything" and the two namespaces never collide.
// '~' is an RFC 3261 "mark" character: legal unescaped in a URI user part
// (a phone that sends %7E is understood too). Thread: any.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sip/message/message.hpp"

namespace parley::chat {

inline constexpr char kRoomPrefix = '~';
// Room names follow the user name rule (store/validation.hpp).
inline constexpr std::string_view kRoomNameRule = "[a-z0-9][a-z0-9._-]{0,63}";

bool is_valid_room_name(std::string_view name);

// Lower-cases and checks a name typed by a person ("Lobby", "~lobby", "#lobby"
// all give "lobby"); nullopt if it cannot be a room name.
std::optional<std::string> normalize_room_name(std::string_view typed);

// "sip:~lobby@example.com".
std::string room_uri(std::string_view name, std::string_view domain);

// The room name if `uri` is a room URI in `domain` (sip or sips, host
// compared case-insensitively, user part unescaped); nullopt otherwise.
std::optional<std::string> room_name_from_uri(const sip::Uri& uri, std::string_view domain);

}  // namespace parley::chat
