// The SIP message model (RFC 3261 §7, §20, §25): a request or a response with
// the headers the stack works with held typed, and every other header kept
// opaque, in order, so a proxy forwards what it does not understand unchanged.
// Plain value type; produced by the parser, consumed by the serializer.
// Thread: any (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::sip {

enum class Method : std::uint8_t {
  Unknown, Invite, Ack, Bye, Cancel, Register, Options, Message,
  Subscribe, Notify, Publish, Info, Refer, Prack, Update,
};

Method method_from_string(std::string_view token);  // case-sensitive (RFC 3261 §7.1)
std::string_view to_string(Method m);                // "" for Unknown

// A generic ;name[=value] parameter. Names compare case-insensitively.
struct Param {
  std::string name;
  std::string value;
  bool has_value = false;

  bool operator==(const Param&) const = default;
};

class Params {
 public:
  const Param* find(std::string_view name) const;
  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  void set(std::string_view name, std::string_view value);  // adds or replaces
  void set_flag(std::string_view name);                     // ;name without value
  void remove(std::string_view name);
  const std::vector<Param>& all() const { return items_; }
  std::vector<Param>& all() { return items_; }
  bool empty() const { return items_.empty(); }
  // Writes ";a=b;c" as on the wire.
  void append_to(std::string& out) const;
  // Same parameters, written the same way, in the same order.
  bool operator==(const Params&) const = default;

 private:
  std::vector<Param> items_;
};

// SIP, SIPS and TEL URIs are parsed; any other scheme (RFC 3261 absoluteURI)
// is kept as scheme + opaque text.
struct Uri {
  std::string scheme;    // lower-case: "sip", "sips", "tel", or other
  std::string user;      // as on the wire (escapes kept); for tel: the number
  std::string password;
  std::string host;      // as on the wire; IPv6 references keep their brackets
  std::uint16_t port = 0;  // 0 when absent
  Params params;         // uri-parameters
  std::string headers;   // text after '?', escapes kept, never turned into headers
  std::string opaque;    // everything after "scheme:" for schemes not parsed

  bool is_sip() const { return scheme == "sip" || scheme == "sips"; }
  bool empty() const { return scheme.empty(); }
  std::string to_string() const;
  // "sip:user@host" with user unescaped and host lower-cased: the key of an
  // address-of-record (RFC 3261 §10.3 step 5).
  std::string aor() const;
  std::string user_unescaped() const;
  // Written the same way (not RFC 3261 §19.1.4 equivalence: see contact_key).
  bool operator==(const Uri&) const = default;
};

// name-addr / addr-spec with header parameters (From, To, Contact, Route ...).
struct NameAddr {
  std::string display_name;  // without quotes, quoted-pairs resolved
  Uri uri;
  Params params;             // header parameters (tag, expires, q ...)
  bool wildcard = false;     // "Contact: *"

  std::string tag() const;
  std::string to_string() const;
};

struct Via {
  std::string protocol = "SIP/2.0";
  std::string transport;  // upper-case: UDP, TCP, TLS, WS, WSS, SCTP ...
  std::string host;
  std::uint16_t port = 0;  // 0 when absent
  Params params;

  std::string branch() const;
  std::string to_string() const;
};

struct CSeq {
  std::uint32_t number = 0;
  Method method = Method::Unknown;
  std::string method_text;
};

// A header the stack keeps opaque. Name in its canonical long form.
struct Header {
  std::string name;
  std::string value;
};

struct Message {
  enum class Kind : std::uint8_t { Request, Response };
  Kind kind = Kind::Request;

  // Request line.
  Method method = Method::Unknown;
  std::string method_text;
  Uri request_uri;
  // Status line.
  int status_code = 0;
  std::string reason;

  // Typed headers; these are written by the serializer, never duplicated in `headers`.
  std::vector<Via> vias;
  NameAddr from;
  NameAddr to;
  std::string call_id;
  CSeq cseq;
  std::optional<std::uint32_t> max_forwards;
  std::vector<NameAddr> contacts;
  std::vector<NameAddr> routes;
  std::vector<NameAddr> record_routes;
  std::optional<std::uint32_t> expires;
  std::string content_type;

  std::vector<Header> headers;  // every other header, in arrival order
  std::string body;

  bool is_request() const { return kind == Kind::Request; }
  bool is_response() const { return kind == Kind::Response; }

  // Opaque header access; names compare case-insensitively, compact forms
  // are accepted and mean their long form.
  std::optional<std::string_view> header(std::string_view name) const;
  std::vector<std::string_view> header_values(std::string_view name) const;
  // Comma-separated list headers (Require, Supported, Allow, Accept ...), all
  // occurrences, split outside quotes and trimmed.
  std::vector<std::string> header_list(std::string_view name) const;
  void add_header(std::string_view name, std::string_view value);
  void set_header(std::string_view name, std::string_view value);  // replaces all
  void remove_header(std::string_view name);
};

}  // namespace parley::sip
