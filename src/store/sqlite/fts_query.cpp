#include "store/sqlite/fts_query.hpp"

#include <vector>

namespace parley::store::sqlite {

namespace {

bool is_space(char c) {
  return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// ASCII letters and digits make tokens; ASCII punctuation never does. Other
// code points are left to the tokenizer (letters are tokens, symbols not).
bool has_token_char(std::string_view word) {
  for (unsigned char c : word) {
    if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return true;
    }
  }
  return false;
}

void append_quoted(std::string& out, std::string_view word) {
  out += '"';
  for (char c : word) {
    if (c == '"') out += '"';  // FTS5 strings escape a quote by doubling it
    out += c;
  }
  out += '"';
}

}  // namespace

std::string fts5_query(std::string_view text) {
  if (text.size() > kMaxSearchBytes) text = text.substr(0, kMaxSearchBytes);
  std::string out;
  std::size_t words = 0;
  std::size_t i = 0;
  while (i < text.size() && words < kMaxSearchWords) {
    while (i < text.size() && is_space(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    std::string_view word = text.substr(start, i - start);
    bool prefix = false;
    while (!word.empty() && word.back() == '*') {
      word.remove_suffix(1);
      prefix = true;
    }
    if (word.empty() || !has_token_char(word)) continue;
    if (!out.empty()) out += ' ';
    append_quoted(out, word);
    if (prefix) out += '*';
    ++words;
  }
  return out;
}

}  // namespace parley::store::sqlite
