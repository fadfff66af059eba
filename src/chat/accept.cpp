#include "chat/accept.hpp"

#include "base/strings.hpp"

namespace parley::chat {

namespace {

// q = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths;
// anything malformed counts as absent (q=1), as lenient receivers do.
int parse_q(std::string_view v) {
  v = trim(v);
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return 1000;
  int q = (v[0] - '0') * 1000;
  if (v.size() == 1) return q;
  if (v[1] != '.' || v.size() > 5) return 1000;
  int scale = 100;
  for (char c : v.substr(2)) {
    if (c < '0' || c > '9') return 1000;
    q += (c - '0') * scale;
    scale /= 10;
  }
  return q > 1000 ? 1000 : q;
}

struct Range {
  std::string_view type;
  std::string_view subtype;
  int q = 1000;
};

bool parse_range(std::string_view entry, Range& r) {
  const auto params = split(entry, ';');
  if (params.empty()) return false;
  const std::string_view media = trim(params[0]);
  const std::size_t slash = media.find('/');
  if (slash == std::string_view::npos) return false;
  r.type = trim(media.substr(0, slash));
  r.subtype = trim(media.substr(slash + 1));
  if (r.type.empty() || r.subtype.empty()) return false;
  for (std::size_t i = 1; i < params.size(); ++i) {
    const std::string_view p = trim(params[i]);
    const std::size_t eq = p.find('=');
    if (eq != std::string_view::npos && iequals(trim(p.substr(0, eq)), "q")) {
      r.q = parse_q(p.substr(eq + 1));
    }
  }
  return true;
}

// 3 exact, 2 type/*, 1 */*, 0 no match.
int specificity(const Range& r, std::string_view type, std::string_view subtype) {
  if (r.type == "*") return r.subtype == "*" ? 1 : 0;
  if (!iequals(r.type, type)) return 0;
  if (r.subtype == "*") return 2;
  return iequals(r.subtype, subtype) ? 3 : 0;
}

}  // namespace

bool accepts_media_type(std::span<const std::string> accept, std::string_view type,
                        std::string_view subtype) {
  if (accept.empty()) return iequals(type, "text") && iequals(subtype, "plain");
  int best = 0;
  int best_q = 0;
  for (const auto& entry : accept) {
    Range r;
    if (!parse_range(entry, r)) continue;
    const int s = specificity(r, type, subtype);
    if (s > best || (s == best && s > 0 && r.q > best_q)) {
      best = s;
      best_q = r.q;
    }
  }
  return best > 0 && best_q > 0;
}

bool accepts_cpim(std::span<const std::string> accept) {
  return accepts_media_type(accept, "message", "cpim");
}

}  // namespace parley::chat
