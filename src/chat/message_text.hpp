// The text a SIP MESSAGE carries, whatever form a device chose: text/plain,
// or message/cpim wrapping text/plain (RFC 3862). Used for posts to a room
// URI and for private messages before they are stored and fanned out.
// Pure function; the body is hostile input. Thread: any.
#pragma once

#include <string>
#include <string_view>

#include "chat/limits.hpp"
#include "chat/refusal.hpp"

namespace parley::chat {

// The Accept value to send with a 415 (RFC 3261 21.4.13).
inline constexpr std::string_view kAcceptedContent = "text/plain, message/cpim";

// The message text, checked against the size limit. Refused with
// UnsupportedContent for other types (or CPIM around them) and malformed
// CPIM, EmptyMessage / MessageTooLarge from check_message_size().
ChatResult<std::string> message_text(std::string_view content_type, std::string_view body,
                                     const ChatLimits& limits);

}  // namespace parley::chat
