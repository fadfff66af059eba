#include "chat/room_inbound.hpp"

#include "chat/message_text.hpp"
#include "chat/room_command.hpp"

namespace parley::chat {

namespace {

InboundDecision refused(Refusal r) {
  InboundDecision d;
  d.refusal = std::move(r);
  return d;
}

InboundDecision command_decision(const RoomFacts& room, const RoomCommand& c) {
  InboundDecision d;
  switch (c.kind) {
    case CommandKind::Join:
      d.action = InboundAction::Join;
      d.room = c.room;
      return d;
    case CommandKind::Leave:
      // Leaving another room is checked once the gateway has that room's facts.
      if (c.room.empty() || c.room == room.name) {
        if (auto s = check(RoomAction::Leave, room.access); !s.ok()) return refused(s.error());
      }
      d.action = InboundAction::Leave;
      d.room = c.room;
      return d;
    case CommandKind::Who:
      if (auto s = check(RoomAction::ListMembers, room.access); !s.ok()) return refused(s.error());
      d.action = InboundAction::Who;
      return d;
    case CommandKind::Help: break;
  }
  d.action = InboundAction::Reply;
  d.text = help_text(room.uri, c.problem);
  return d;
}

}  // namespace

InboundDecision decide_room_message(const RoomFacts& room, UserId sender,
                                    std::string_view content_type, std::string_view body,
                                    const ChatLimits& limits, RateLimiter& rate, TimePoint now) {
  auto text = message_text(content_type, body, limits);
  if (!text.ok()) return refused(text.error());
  // Commands count against the rate too: a phone looping /who is as noisy.
  if (auto s = rate.try_post(sender, now); !s.ok()) return refused(s.error());
  RoomText parsed = parse_room_text(*text);
  if (parsed.command) return command_decision(room, *parsed.command);
  if (auto s = check(RoomAction::Post, room.access); !s.ok()) return refused(s.error());
  InboundDecision d;
  d.action = InboundAction::Post;
  d.text = std::move(parsed.post);
  return d;
}

}  // namespace parley::chat
