// Turns a person's search text into an FTS5 query that is only ever a list
// of quoted words (implicit AND), so no input can be FTS5 syntax: quotes,
// AND/OR/NOT, NEAR(, column filters and '^' all become plain words.
// Thread: any.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace parley::store::sqlite {

inline constexpr std::size_t kMaxSearchWords = 16;
inline constexpr std::size_t kMaxSearchBytes = 512;

// Words are split on ASCII white space; a word ending in '*' becomes a prefix
// match ("hel*" finds "hello"). Words without a letter or digit (ASCII
// punctuation only) are dropped, as the tokenizer would drop them anyway.
// Empty when nothing searchable is left: the caller then finds nothing.
std::string fts5_query(std::string_view text);

}  // namespace parley::store::sqlite
