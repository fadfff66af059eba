#include "sip/message/message.hpp"

#include <array>
#include <utility>

#include "base/strings.hpp"
#include "sip/message/syntax.hpp"

namespace parley::sip {

namespace {

struct MethodName {
  Method method;
  std::string_view text;
};

constexpr std::array<MethodName, 14> kMethods{{
    {Method::Invite, "INVITE"}, {Method::Ack, "ACK"}, {Method::Bye, "BYE"},
    {Method::Cancel, "CANCEL"}, {Method::Register, "REGISTER"}, {Method::Options, "OPTIONS"},
    {Method::Message, "MESSAGE"}, {Method::Subscribe, "SUBSCRIBE"}, {Method::Notify, "NOTIFY"},
    {Method::Publish, "PUBLISH"}, {Method::Info, "INFO"}, {Method::Refer, "REFER"},
    {Method::Prack, "PRACK"}, {Method::Update, "UPDATE"},
}};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Method method_from_string(std::string_view token) {
  for (const auto& m : kMethods) {
    if (m.text == token) return m.method;
  }
  return Method::Unknown;
}

std::string_view to_string(Method m) {
  for (const auto& e : kMethods) {
    if (e.method == m) return e.text;
  }
  return {};
}

// ---- Params ---------------------------------------------------------------

const Param* Params::find(std::string_view name) const {
  for (const auto& p : items_) {
    if (iequals(p.name, name)) return &p;
  }
  return nullptr;
}

std::optional<std::string_view> Params::get(std::string_view name) const {
  const Param* p = find(name);
  if (p == nullptr) return std::nullopt;
  return std::string_view(p->value);
}

void Params::set(std::string_view name, std::string_view value) {
  for (auto& p : items_) {
    if (iequals(p.name, name)) {
      p.value.assign(value);
      p.has_value = true;
      return;
    }
  }
  items_.push_back(Param{std::string(name), std::string(value), true});
}

void Params::set_flag(std::string_view name) {
  for (auto& p : items_) {
    if (iequals(p.name, name)) {
      p.value.clear();
      p.has_value = false;
      return;
    }
  }
  items_.push_back(Param{std::string(name), std::string(), false});
}

void Params::remove(std::string_view name) {
  std::erase_if(items_, [&](const Param& p) { return iequals(p.name, name); });
}

void Params::append_to(std::string& out) const {
  for (const auto& p : items_) {
    out.push_back(';');
    out.append(p.name);
    if (p.has_value) {
      out.push_back('=');
      out.append(p.value);
    }
  }
}

// ---- Uri ------------------------------------------------------------------

std::string Uri::to_string() const {
  std::string out;
  out.reserve(scheme.size() + user.size() + host.size() + headers.size() + opaque.size() + 24);
  out.append(scheme);
  out.push_back(':');
  if (!is_sip() && scheme != "tel") {
    out.append(opaque);
    return out;
  }
  out.append(user);
  if (scheme == "tel") {
    params.append_to(out);
    return out;
  }
  if (!password.empty()) {
    out.push_back(':');
    out.append(password);
  }
  if (!user.empty() || !password.empty()) out.push_back('@');
  out.append(host);
  if (port != 0) {
    out.push_back(':');
    out.append(std::to_string(port));
  }
  params.append_to(out);
  if (!headers.empty()) {
    out.push_back('?');
    out.append(headers);
  }
  return out;
}

std::string Uri::user_unescaped() const {
  // RFC 3261 §19.1.4: escaped and unescaped forms of the user part are equal.
  std::string out;
  out.reserve(user.size());
  for (std::size_t i = 0; i < user.size(); ++i) {
    if (user[i] == '%' && i + 2 < user.size()) {
      int hi = hex_value(user[i + 1]);
      int lo = hex_value(user[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(user[i]);
  }
  return out;
}

std::string Uri::aor() const {
  if (!is_sip()) {
    if (scheme == "tel") return "tel:" + user;
    return to_string();
  }
  // RFC 3261 §10.3 step 5: sip:user@host, escapes resolved, host case-folded.
  std::string out = "sip:";
  if (!user.empty()) {
    out.append(user_unescaped());
    out.push_back('@');
  }
  out.append(to_lower(host));
  return out;
}

// ---- NameAddr / Via ---------------------------------------------------------

std::string NameAddr::tag() const {
  auto t = params.get("tag");
  return t ? std::string(*t) : std::string();
}

std::string NameAddr::to_string() const {
  if (wildcard) return "*";
  std::string out;
  if (!display_name.empty()) {
    detail::append_quoted(out, display_name);
    out.push_back(' ');
  }
  out.push_back('<');
  out.append(uri.to_string());
  out.push_back('>');
  params.append_to(out);
  return out;
}

std::string Via::branch() const {
  auto b = params.get("branch");
  return b ? std::string(*b) : std::string();
}

std::string Via::to_string() const {
  std::string out;
  out.reserve(protocol.size() + transport.size() + host.size() + 48);
  out.append(protocol);
  out.push_back('/');
  out.append(transport);
  out.push_back(' ');
  out.append(host);
  if (port != 0) {
    out.push_back(':');
    out.append(std::to_string(port));
  }
  params.append_to(out);
  return out;
}

// ---- Message: opaque headers ----------------------------------------------

std::optional<std::string_view> Message::header(std::string_view name) const {
  std::string_view canon = detail::canonical_header_name(name);
  for (const auto& h : headers) {
    if (iequals(h.name, canon)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> Message::header_values(std::string_view name) const {
  std::string_view canon = detail::canonical_header_name(name);
  std::vector<std::string_view> out;
  for (const auto& h : headers) {
    if (iequals(h.name, canon)) out.emplace_back(h.value);
  }
  return out;
}

std::vector<std::string> Message::header_list(std::string_view name) const {
  std::string_view canon = detail::canonical_header_name(name);
  std::vector<std::string> out;
  for (const auto& h : headers) {
    if (!iequals(h.name, canon)) continue;
    detail::for_each_list_item(h.value, [&](std::string_view item) {
      if (!item.empty()) out.emplace_back(item);
      return true;
    });
  }
  return out;
}

void Message::add_header(std::string_view name, std::string_view value) {
  // Typed headers go to their fields so the serializer never writes them twice.
  detail::HeaderId id = detail::classify_header(name);
  if (id == detail::HeaderId::ContentLength) return;  // always computed
  if (id != detail::HeaderId::Other) {
    int status = 0;
    std::string reason;
    detail::apply_typed_header(*this, id, value, SIZE_MAX, status, reason);
    return;
  }
  headers.push_back(Header{std::string(detail::canonical_header_name(name)), std::string(value)});
}

namespace {

// Empties the field of a typed header; false for opaque names.
[[maybe_unused]] bool clear_typed(Message& m, detail::HeaderId id) {
  using detail::HeaderId;
  switch (id) {
    case HeaderId::Other: return false;
    case HeaderId::Via: m.vias.clear(); break;
    case HeaderId::From: m.from = NameAddr{}; break;
    case HeaderId::To: m.to = NameAddr{}; break;
    case HeaderId::CallId: m.call_id.clear(); break;
    case HeaderId::CSeq: m.cseq = CSeq{}; break;
    case HeaderId::MaxForwards: m.max_forwards.reset(); break;
    case HeaderId::Contact: m.contacts.clear(); break;
    case HeaderId::Route: m.routes.clear(); break;
    case HeaderId::RecordRoute: m.record_routes.clear(); break;
    case HeaderId::Expires: m.expires.reset(); break;
    case HeaderId::ContentType: m.content_type.clear(); break;
    case HeaderId::ContentLength: break;
  }
  return true;
}

}  // namespace

void Message::set_header(std::string_view name, std::string_view value) {
  remove_header(name);
  add_header(name, value);
}

void Message::remove_header(std::string_view name) {
  // Typed fields are emptied; a malformed value kept opaque (e.g. a date in
  // Expires) goes as well.
  clear_typed(*this, detail::classify_header(name));
  std::string_view canon = detail::canonical_header_name(name);
  std::erase_if(headers, [&](const Header& h) { return iequals(h.name, canon); });
}

}  // namespace parley::sip
