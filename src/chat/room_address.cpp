#include "chat/room_address.hpp"

#include "base/strings.hpp"

namespace parley::chat {

namespace {

bool name_char(char c, bool first) {
  const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  return first ? alnum : alnum || c == '.' || c == '_' || c == '-';
}

}  // namespace

bool is_valid_room_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!name_char(name[i], i == 0)) return false;
  }
  return true;
}

std::optional<std::string> normalize_room_name(std::string_view typed) {
  typed = trim(typed);
  if (!typed.empty() && (typed.front() == kRoomPrefix || typed.front() == '#'))
    typed.remove_prefix(1);
  std::string name = to_lower(typed);
  if (!is_valid_room_name(name)) return std::nullopt;
  return name;
}

std::string room_uri(std::string_view name, std::string_view domain) {
  std::string out = "sip:";
  out += kRoomPrefix;
  out += name;
  out += '@';
  out += domain;
  return out;
}

std::optional<std::string> room_name_from_uri(const sip::Uri& uri, std::string_view domain) {
  if (!uri.is_sip() || !iequals(uri.host, domain)) return std::nullopt;
  const std::string user = uri.user_unescaped();
  if (user.size() < 2 || user.front() != kRoomPrefix) return std::nullopt;
  std::string name = to_lower(std::string_view(user).substr(1));
  if (!is_valid_room_name(name)) return std::nullopt;
  return name;
}

}  // namespace parley::chat
