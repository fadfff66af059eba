// Text commands a SIP phone user sends to a room's URI to manage membership
// without a browser: /join ROOM, /leave [ROOM], /who, /help. Anything not
// starting with '/' is an ordinary post; "//text" posts "/text". An unknown
// command or a missing argument gives the help text with the problem first.
// Pure functions. Thread: any.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::chat {

enum class CommandKind { Join, Leave, Who, Help };

struct RoomCommand {
  CommandKind kind = CommandKind::Help;
  std::string room;     // normalized room name for Join, or Leave with an argument
  std::string problem;  // Help only: why the help is shown ("unknown command /foo")
};

// What a text sent to a room URI is: a command, or the text to post.
struct RoomText {
  std::optional<RoomCommand> command;
  std::string post;  // set when command is empty
};

RoomText parse_room_text(std::string_view text);

// The reply to /help (and to mistakes): `room_uri` is where commands go.
std::string help_text(std::string_view room_uri, std::string_view problem = {});

// The reply to /who: "3 in ~lobby: alice, bob, carol", names in the order
// given, at most `max_names` of them ("... and 12 more").
std::string who_text(std::string_view room_name, const std::vector<std::string>& names,
                     std::size_t max_names = 50);

}  // namespace parley::chat
