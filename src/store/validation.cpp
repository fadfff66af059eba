#include "store/validation.hpp"

namespace parley::store {

namespace {
bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
}  // namespace

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || !lower_alnum(name.front())) return false;
  for (char c : name) {
    if (!lower_alnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

bool is_valid_e164(std::string_view number) {
  // ITU-T E.164: at most 15 digits; fewer than 3 is no routable number.
  if (number.size() < 4 || number.size() > 16 || number.front() != '+') return false;
  for (char c : number.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace parley::store
