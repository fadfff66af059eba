// Whether a SIP device takes message/cpim, from its Accept header (RFC 3261
// 20.1; media ranges and q-values as in RFC 7231 5.3.2). The most specific
// range that matches decides: "message/cpim;q=0, */*" refuses CPIM. No
// Accept at all means the RFC 3428 baseline, text/plain only. Thread: any.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace parley::chat {

// `accept` holds the header's comma-separated entries, as
// sip::Message::header_list("Accept") returns them (empty: no header).
bool accepts_media_type(std::span<const std::string> accept, std::string_view type,
                        std::string_view subtype);
bool accepts_cpim(std::span<const std::string> accept);

}  // namespace parley::chat
