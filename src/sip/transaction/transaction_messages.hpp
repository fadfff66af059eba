// Fields the transaction layer reads from messages, and the messages it (or
// its TU) builds from others: the ACK for a non-2xx final response, CANCEL,
// 100 Trying, and client branch ids. Free functions on Message values; they
// use only inline parts of the message model. Thread: any.
#pragma once

#include <string>
#include <string_view>

#include "sip/message/message.hpp"

namespace parley::sip {

inline constexpr std::string_view kMagicCookie = "z9hG4bK";  // RFC 3261 §8.1.1.7

// Value of parameter `name` (case-insensitive name), empty if absent or valueless.
std::string_view param_value(const Params& params, std::string_view name);
// Branch of the top Via, empty if there is no Via or no branch.
std::string_view top_branch(const Message& m);
std::string_view to_tag(const Message& m);
std::string_view from_tag(const Message& m);

// True for an RFC 3261 branch: the magic cookie followed by at least one
// character. "z9hG4bK" alone (RFC 4475 §3.2.1 badbranch) is not one: such
// requests are matched with the RFC 2543 rules (RFC 3261 §17.2.3).
bool is_rfc3261_branch(std::string_view branch);

// A fresh client branch: "z9hG4bK" + 16 hex digits, unique within the process
// (a counter seeded once at random, scrambled by a bijective mixer; not secret).
std::string generate_branch();

// RFC 3261 §17.1.1.3: the ACK a client INVITE transaction sends for a 3xx-6xx:
// Request-URI, Call-ID, From, CSeq number and Route set of the INVITE, its top
// Via only, and the To of the response (with its tag).
Message build_ack_for_non2xx(const Message& invite, const Message& response);

// RFC 3261 §9.1: a CANCEL for `request`: same Request-URI, Call-ID, To, From,
// CSeq number, top Via (hence branch) and Route set; no body.
Message build_cancel(const Message& request);

// RFC 3261 §8.2.6: a response to `request` with Via, From, To, Call-ID, CSeq
// (and Timestamp) copied. `to_tag` is added to To when not empty and To has none.
Message build_response(const Message& request, int status, std::string_view reason,
                       std::string_view to_tag = {});

}  // namespace parley::sip
