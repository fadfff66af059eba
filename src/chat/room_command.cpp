#include "chat/room_command.hpp"

#include <algorithm>
#include <vector>

#include "base/strings.hpp"
#include "chat/room_address.hpp"

namespace parley::chat {

namespace {

constexpr std::size_t kMaxShownWord = 32;  // of an unknown command, in the reply

RoomCommand help(std::string problem) {
  return RoomCommand{CommandKind::Help, {}, std::move(problem)};
}

// Splits "/verb arg rest" on blanks; `rest` says whether more words followed.
struct Words {
  std::string_view verb;
  std::string_view arg;
  bool rest = false;
};

Words words(std::string_view s) {
  Words w;
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < s.size() && parts.size() < 3) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') ++i;
    if (i > start) parts.push_back(s.substr(start, i - start));
  }
  if (!parts.empty()) w.verb = parts[0];
  if (parts.size() > 1) w.arg = parts[1];
  w.rest = parts.size() > 2;
  return w;
}

std::string shown(std::string_view word) {
  std::string out;
  for (char c : word.substr(0, kMaxShownWord)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  }
  return out;
}

RoomCommand room_argument(CommandKind kind, const Words& w, bool required) {
  const char* usage = kind == CommandKind::Join ? "usage: /join ROOM" : "usage: /leave [ROOM]";
  if (w.arg.empty()) return required ? help(usage) : RoomCommand{kind, {}, {}};
  if (w.rest) return help(usage);
  auto name = normalize_room_name(w.arg);
  if (!name) return help("\"" + shown(w.arg) + "\" is not a room name");
  return RoomCommand{kind, std::move(*name), {}};
}

RoomCommand parse_command(std::string_view text) {
  const Words w = words(text);
  const std::string verb = to_lower(w.verb.substr(0, kMaxShownWord + 1));
  if (verb == "/join") return room_argument(CommandKind::Join, w, true);
  if (verb == "/leave") return room_argument(CommandKind::Leave, w, false);
  if (verb == "/who") return RoomCommand{CommandKind::Who, {}, {}};
  if (verb == "/help" || verb == "/?" || verb == "/") return help({});
  return help("unknown command " + shown(w.verb));
}

}  // namespace

RoomText parse_room_text(std::string_view text) {
  const std::string_view t = trim(text);
  if (t.empty() || t.front() != '/') return RoomText{std::nullopt, std::string(text)};
  if (t.size() > 1 && t[1] == '/') return RoomText{std::nullopt, std::string(t.substr(1))};
  return RoomText{parse_command(t), {}};
}

std::string help_text(std::string_view room_uri, std::string_view problem) {
  std::string out;
  if (!problem.empty()) {
    out += problem;
    out += "\n";
  }
  out += "Commands for ";
  out += room_uri;
  out +=
      ":\n"
      "/join ROOM   join a room (its address is sip:~ROOM@ this domain)\n"
      "/leave       leave this room (/leave ROOM: that room)\n"
      "/who         list the members of this room\n"
      "/help        this text\n"
      "Anything else is posted to the room; start with // to post a line beginning with /.";
  return out;
}

std::string who_text(std::string_view room_name, const std::vector<std::string>& names,
                     std::size_t max_names) {
  std::string out = std::to_string(names.size()) + " in ~" + std::string(room_name);
  if (names.empty()) return out;
  out += ": ";
  const std::size_t shown_count = std::min(names.size(), max_names);
  for (std::size_t i = 0; i < shown_count; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  if (shown_count < names.size()) {
    out += " ... and " + std::to_string(names.size() - shown_count) + " more";
  }
  return out;
}

}  // namespace parley::chat
