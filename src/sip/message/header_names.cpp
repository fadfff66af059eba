// Header name tables: compact forms (RFC 3261 §7.3.3 and the extensions'
// IANA registrations) and canonical spellings.
#include <array>
#include <vector>

#include "base/strings.hpp"
#include "sip/message/syntax.hpp"

namespace parley::sip::detail {

namespace {

struct Compact {
  char letter;
  std::string_view name;
};

// IANA "Header Fields" registry, compact column.
constexpr std::array<Compact, 20> kCompact{{
    {'a', "Accept-Contact"}, {'b', "Referred-By"}, {'c', "Content-Type"},
    {'d', "Request-Disposition"}, {'e', "Content-Encoding"}, {'f', "From"},
    {'i', "Call-ID"}, {'j', "Reject-Contact"}, {'k', "Supported"},
    {'l', "Content-Length"}, {'m', "Contact"}, {'n', "Identity-Info"},
    {'o', "Event"}, {'r', "Refer-To"}, {'s', "Subject"}, {'t', "To"},
    {'u', "Allow-Events"}, {'v', "Via"}, {'x', "Session-Expires"}, {'y', "Identity"},
}};

// Spellings written by the serializer for headers the stack knows about.
constexpr std::array<std::string_view, 62> kCanonical{{
    "Accept", "Accept-Contact", "Accept-Encoding", "Accept-Language", "Alert-Info", "Allow",
    "Allow-Events", "Authentication-Info", "Authorization", "Call-ID", "Call-Info", "Contact",
    "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length",
    "Content-Type", "CSeq", "Date", "Error-Info", "Event", "Expires", "From", "Identity",
    "Identity-Info", "In-Reply-To", "Max-Forwards", "MIME-Version", "Min-Expires", "Min-SE",
    "Organization", "P-Asserted-Identity", "P-Preferred-Identity", "Path", "Priority",
    "Privacy", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Require", "RAck", "Reason",
    "Record-Route", "Refer-To", "Referred-By", "Reject-Contact", "Replaces", "Reply-To",
    "Request-Disposition", "Require", "Retry-After", "Route", "RSeq", "Server",
    "Service-Route", "Session-Expires", "SIP-ETag", "SIP-If-Match", "Subject",
    "Subscription-State", "Supported", "Timestamp", "To",
}};

// The remaining well-known names, kept apart so the array sizes stay exact.
constexpr std::array<std::string_view, 6> kCanonicalMore{{
    "Unsupported", "User-Agent", "Via", "Warning", "WWW-Authenticate",
    "Content-Transfer-Encoding",
}};

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The well-known names grouped by length and keyed by their lower-cased
// first letter, built once: a lookup compares a handful of candidates, not
// all of them (it runs for every opaque header parsed and every lookup).
class CanonicalIndex {
 public:
  CanonicalIndex() {
    for (std::string_view n : kCanonical) add(n);
    for (std::string_view n : kCanonicalMore) add(n);
  }
  std::string_view find(std::string_view name) const {
    if (name.empty() || name.size() >= kMaxLength) return name;
    const char first = lower(name[0]);
    for (std::string_view n : by_length_[name.size()]) {
      if (lower(n[0]) == first && iequals(n, name)) return n;
    }
    return name;
  }

 private:
  static constexpr std::size_t kMaxLength = 32;
  void add(std::string_view n) { by_length_[n.size()].push_back(n); }
  std::array<std::vector<std::string_view>, kMaxLength> by_length_;
};

}  // namespace

std::string_view canonical_header_name(std::string_view name) {
  if (name.size() == 1) {
    char c = lower(name[0]);
    for (const auto& e : kCompact) {
      if (e.letter == c) return e.name;
    }
    return name;
  }
  static const CanonicalIndex index;
  return index.find(name);
}

HeaderId classify_header(std::string_view name) {
  // Switch on length first: most names are rejected by one comparison.
  switch (name.size()) {
    case 1:
      switch (lower(name[0])) {
        case 'v': return HeaderId::Via;
        case 'f': return HeaderId::From;
        case 't': return HeaderId::To;
        case 'i': return HeaderId::CallId;
        case 'm': return HeaderId::Contact;
        case 'c': return HeaderId::ContentType;
        case 'l': return HeaderId::ContentLength;
        default: return HeaderId::Other;
      }
    case 2: return iequals(name, "To") ? HeaderId::To : HeaderId::Other;
    case 3: return iequals(name, "Via") ? HeaderId::Via : HeaderId::Other;
    case 4:
      if (iequals(name, "From")) return HeaderId::From;
      if (iequals(name, "CSeq")) return HeaderId::CSeq;
      return HeaderId::Other;
    case 5: return iequals(name, "Route") ? HeaderId::Route : HeaderId::Other;
    case 7:
      if (iequals(name, "Call-ID")) return HeaderId::CallId;
      if (iequals(name, "Contact")) return HeaderId::Contact;
      if (iequals(name, "Expires")) return HeaderId::Expires;
      return HeaderId::Other;
    case 12:
      if (iequals(name, "Max-Forwards")) return HeaderId::MaxForwards;
      if (iequals(name, "Record-Route")) return HeaderId::RecordRoute;
      if (iequals(name, "Content-Type")) return HeaderId::ContentType;
      return HeaderId::Other;
    case 14: return iequals(name, "Content-Length") ? HeaderId::ContentLength : HeaderId::Other;
    default: return HeaderId::Other;
  }
}

}  // namespace parley::sip::detail
