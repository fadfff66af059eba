// Small string helpers shared by every protocol module. Thread: any.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley {

std::string_view trim(std::string_view s);
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
std::vector<std::string_view> split(std::string_view s, char sep);
// Parses a whole decimal unsigned number; rejects signs, blanks and overflow.
std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max = UINT64_MAX);
std::string to_hex(std::string_view bytes);
// "text" in double quotes, for error messages that name a value.
std::string in_quotes(std::string_view s);

// Case-insensitive hash and equality, for maps keyed by header or user names.
struct IHash {
  std::size_t operator()(std::string_view s) const;
};
struct IEqual {
  bool operator()(std::string_view a, std::string_view b) const { return iequals(a, b); }
};

}  // namespace parley
