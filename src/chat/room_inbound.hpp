// What to do with a SIP MESSAGE sent to a room's URI (RFC 3428): post it,
// run a text command, or refuse it, from the facts the gateway looked up
// about the room and the sender. The one place the order of the checks
// lives: body type and size, command or post, membership, rate. Pure apart
// from the RateLimiter it is handed. Thread: core.
#pragma once

#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "base/strong_id.hpp"
#include "chat/limits.hpp"
#include "chat/permissions.hpp"
#include "chat/refusal.hpp"

namespace parley::chat {

// The addressed room as the sender sees it.
struct RoomFacts {
  std::string name;
  std::string uri;  // sip:~NAME@DOMAIN, for the help text
  RoomAccess access;
};

enum class InboundAction {
  Post,    // store `text` in the room and fan it out; answer 200 once stored
  Join,    // /join `room`: look that room up, check(Join), add the member
  Leave,   // /leave [`room`]: this room when `room` is empty
  Who,     // /who: send the member list (who_text) back from the room URI
  Reply,   // answer 200 and send `text` back from the room URI (help)
  Refuse,  // answer `refusal` (sip_status(), reason = message, Retry-After)
};

struct InboundDecision {
  InboundAction action = InboundAction::Refuse;
  std::string text;  // Post: the text to store; Reply: what to send back
  std::string room;  // Join / Leave: the room named in the command
  Refusal refusal;   // Refuse
};

InboundDecision decide_room_message(const RoomFacts& room, UserId sender,
                                    std::string_view content_type, std::string_view body,
                                    const ChatLimits& limits, RateLimiter& rate, TimePoint now);

}  // namespace parley::chat
