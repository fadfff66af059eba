// Why chat refused something, as a value (DESIGN.md "Errors in three
// tiers"): a stable code for the browser API, the SIP status to answer a
// MESSAGE with, and a sentence for people. Plain value. Thread: any.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace parley::chat {

enum class RefusalCode {
  NotMember,   // posting to or reading a room one is not in
  NotInvited,  // joining an invite-only room without an invitation
  AlreadyMember,
  Forbidden,      // the role does not allow the action
  OwnerMustStay,  // the owner cannot leave (delete the room or hand it over)
  InvalidRoomName,
  EmptyMessage,
  MessageTooLarge,
  RateLimited,
  TooManyRooms,
  UnsupportedContent,  // a MESSAGE body that is neither text/plain nor CPIM around it
  DoNotDisturb,        // a private message to a user in do-not-disturb
};

struct Refusal {
  RefusalCode code = RefusalCode::Forbidden;
  std::string message;                       // for people; may change
  std::chrono::milliseconds retry_after{0};  // RateLimited only
};

// "not_member", "rate_limited" ...: the browser API's error code (stable).
std::string_view code_name(RefusalCode code);
// The SIP final response for a MESSAGE refused this way: 403 for
// permissions, 413 for a too large body (RFC 3261 21.4.11), 400 for an empty
// one or a bad name, 415 for a body type chat cannot show (RFC 3261
// 21.4.13, with an Accept header), 480 for do-not-disturb (RFC 3261
// 21.4.18, the sentence as reason phrase), 503 with Retry-After for the rate
// limit (RFC 3261 21.5.4).
int sip_status(RefusalCode code);

template <typename T>
using ChatResult = Result<T, Refusal>;
using ChatStatus = Status<Refusal>;

inline Failure<Refusal> refuse(RefusalCode code, std::string message) {
  return fail(Refusal{code, std::move(message), {}});
}

}  // namespace parley::chat
