// Syntax rules for names and numbers, shared by the store (which enforces
// them) and the command line (which reports them). Thread: any.
#pragma once

#include <string_view>

namespace parley::store {

// User names and SIP usernames: [a-z0-9][a-z0-9._-]{0,63} (lower-case only;
// callers lower-case input first). Safe in a SIP URI user part without escaping.
bool is_valid_name(std::string_view name);
inline constexpr std::string_view kNameRule = "[a-z0-9][a-z0-9._-]{0,63}";

// E.164 telephone number: "+" then 3 to 15 digits.
bool is_valid_e164(std::string_view number);

}  // namespace parley::store
