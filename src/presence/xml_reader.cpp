#include "presence/xml_reader.hpp"

#include <cstdint>

namespace parley::presence {
namespace {

constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_name_char(char c) {
  // Byte-level approximation of XML NameChar: anything that cannot end a name.
  return !is_space(c) && c != '<' && c != '>' && c != '/' && c != '=' && c != '"' &&
         c != '\'' && c != '&' && c != '?' && c != '!';
}

bool only_space(std::string_view s) {
  for (char c : s) {
    if (!is_space(c)) return false;
  }
  return true;
}

void append_utf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool char_reference(std::string_view body, std::string& out) {
  // body is what follows "&#", without the ';'.
  bool hex = !body.empty() && (body[0] == 'x');
  if (hex) body.remove_prefix(1);
  if (body.empty() || body.size() > 8) return false;
  std::uint32_t cp = 0;
  for (char c : body) {
    std::uint32_t d;
    if (c >= '0' && c <= '9') {
      d = static_cast<std::uint32_t>(c - '0');
    } else if (hex && c >= 'a' && c <= 'f') {
      d = static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (hex && c >= 'A' && c <= 'F') {
      d = static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
    cp = cp * (hex ? 16 : 10) + d;
  }
  // XML 1.0 Char production: no NUL or other C0 controls but tab/CR/LF, no
  // surrogates, nothing past U+10FFFF.
  bool valid = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
               (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
  if (!valid) return false;
  append_utf8(cp, out);
  return true;
}

}  // namespace

bool xml_decode(std::string_view raw, std::string& out) {
  out.reserve(out.size() + raw.size());
  std::size_t i = 0;
  while (i < raw.size()) {
    char c = raw[i];
    if (c != '&') {
      out += c;
      ++i;
      continue;
    }
    auto semi = raw.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) return false;
    std::string_view name = raw.substr(i + 1, semi - i - 1);
    if (name == "lt") out += '<';
    else if (name == "gt") out += '>';
    else if (name == "amp") out += '&';
    else if (name == "quot") out += '"';
    else if (name == "apos") out += '\'';
    else if (!name.empty() && name[0] == '#') {
      if (!char_reference(name.substr(1), out)) return false;
    } else {
      return false;  // no DTD, so no other entity exists
    }
    i = semi + 1;
  }
  return true;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

XmlReader::XmlReader(std::string_view document, XmlLimits limits)
    : doc_(document), limits_(limits) {}

Result<XmlEvent, std::string> XmlReader::fail(std::string reason) {
  error_ = std::move(reason);
  return parley::fail(error_);
}

Result<XmlEvent, std::string> XmlReader::next() {
  if (!error_.empty()) return parley::fail(error_);
  if (finished_) return XmlEvent{};
  if (doc_.size() > limits_.max_bytes) return fail("document too large");
  if (pending_end_) {
    pending_end_ = false;
    return pop_element();
  }
  while (pos_ < doc_.size()) {
    std::string_view rest = doc_.substr(pos_);
    if (rest[0] != '<') {
      auto r = text();
      if (!r.ok() || r->kind == XmlEvent::Kind::Text) return r;
      continue;  // whitespace only
    }
    if (rest.starts_with("<?")) {
      if (!skip_until("?>")) return fail("unterminated processing instruction");
    } else if (rest.starts_with("<!--")) {
      if (!skip_until("-->")) return fail("unterminated comment");
    } else if (rest.starts_with("<![CDATA[")) {
      auto r = cdata();
      if (!r.ok() || r->kind == XmlEvent::Kind::Text) return r;
    } else if (rest.starts_with("<!")) {
      return fail("DOCTYPE and markup declarations are refused");
    } else if (rest.starts_with("</")) {
      return end_tag();
    } else {
      return start_tag();
    }
  }
  if (!open_.empty()) return fail("unterminated element");
  if (!root_done_) return fail("no root element");
  finished_ = true;
  return XmlEvent{};
}

bool XmlReader::skip_until(std::string_view terminator) {
  auto end = doc_.find(terminator, pos_);
  if (end == std::string_view::npos) return false;
  pos_ = end + terminator.size();
  return true;
}

void XmlReader::skip_space() {
  while (pos_ < doc_.size() && is_space(doc_[pos_])) ++pos_;
}

std::string_view XmlReader::read_name() {
  std::size_t start = pos_;
  while (pos_ < doc_.size() && is_name_char(doc_[pos_])) ++pos_;
  return doc_.substr(start, pos_ - start);
}

Result<XmlEvent, std::string> XmlReader::text() {
  auto end = doc_.find('<', pos_);
  if (end == std::string_view::npos) end = doc_.size();
  std::string_view raw = doc_.substr(pos_, end - pos_);
  pos_ = end;
  if (only_space(raw)) return XmlEvent{};  // EndOfDocument kind: "nothing to report"
  if (open_.empty()) return fail("text outside the root element");
  if (raw.size() > limits_.max_text) return fail("text too long");
  XmlEvent ev;
  ev.kind = XmlEvent::Kind::Text;
  if (!xml_decode(raw, ev.text)) return fail("bad entity or character reference");
  return ev;
}

Result<XmlEvent, std::string> XmlReader::cdata() {
  if (open_.empty()) return fail("CDATA outside the root element");
  std::size_t start = pos_ + 9;
  auto end = doc_.find("]]>", start);
  if (end == std::string_view::npos) return fail("unterminated CDATA");
  if (end - start > limits_.max_text) return fail("text too long");
  pos_ = end + 3;
  XmlEvent ev;
  ev.kind = XmlEvent::Kind::Text;
  ev.text.assign(doc_.substr(start, end - start));
  if (only_space(ev.text)) return XmlEvent{};  // nothing to report; next() goes on
  return ev;
}

bool XmlReader::read_attributes(std::vector<RawAttr>& attrs, bool& self_closing, std::string& err) {
  for (;;) {
    std::size_t before = pos_;
    skip_space();
    if (pos_ >= doc_.size()) return (err = "unterminated tag", false);
    if (doc_[pos_] == '>') {
      ++pos_;
      return true;
    }
    if (doc_.substr(pos_).starts_with("/>")) {
      pos_ += 2;
      self_closing = true;
      return true;
    }
    if (pos_ == before) return (err = "missing space between attributes", false);
    std::string_view name = read_name();
    if (name.empty()) return (err = "bad attribute name", false);
    skip_space();
    if (pos_ >= doc_.size() || doc_[pos_] != '=') return (err = "attribute without value", false);
    ++pos_;
    skip_space();
    if (pos_ >= doc_.size() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) {
      return (err = "unquoted attribute value", false);
    }
    char quote = doc_[pos_++];
    auto end = doc_.find(quote, pos_);
    if (end == std::string_view::npos) return (err = "unterminated attribute value", false);
    std::string_view raw = doc_.substr(pos_, end - pos_);
    pos_ = end + 1;
    if (raw.size() > limits_.max_text) return (err = "attribute value too long", false);
    if (raw.find('<') != std::string_view::npos) return (err = "'<' in attribute value", false);
    if (attrs.size() >= limits_.max_attributes) return (err = "too many attributes", false);
    for (const auto& a : attrs) {
      if (a.qname == name) return (err = "duplicate attribute", false);
    }
    RawAttr attr{name, {}};
    if (!xml_decode(raw, attr.value)) return (err = "bad entity in attribute value", false);
    attrs.push_back(std::move(attr));
  }
}

bool XmlReader::declare(const std::vector<RawAttr>& attrs, std::string& err) {
  for (const auto& a : attrs) {
    std::string_view prefix;
    if (a.qname == "xmlns") {
      prefix = "";
    } else if (a.qname.starts_with("xmlns:")) {
      prefix = a.qname.substr(6);
      // Namespaces 1.0 §3: a prefix cannot be undeclared, and xml/xmlns are reserved.
      if (prefix.empty() || a.value.empty()) return (err = "bad namespace declaration", false);
      if (prefix == "xmlns" || (prefix == "xml" && a.value != kXmlNamespace)) {
        return (err = "reserved namespace prefix", false);
      }
    } else {
      continue;
    }
    if (ns_.size() >= limits_.max_namespaces) return (err = "too many namespaces", false);
    ns_.emplace_back(std::string(prefix), a.value);
  }
  return true;
}

bool XmlReader::resolve(std::string_view qname, bool is_attribute, std::string& ns,
                        std::string& local) const {
  auto colon = qname.find(':');
  std::string_view prefix;
  if (colon != std::string_view::npos) {
    prefix = qname.substr(0, colon);
    local.assign(qname.substr(colon + 1));
    if (prefix.empty() || local.empty() || local.find(':') != std::string::npos) return false;
  } else {
    local.assign(qname);
    if (is_attribute) {  // Namespaces 1.0 §6.2: no default namespace for attributes
      ns.clear();
      return true;
    }
  }
  if (prefix == "xml") {
    ns.assign(kXmlNamespace);
    return true;
  }
  for (auto it = ns_.rbegin(); it != ns_.rend(); ++it) {
    if (it->first == prefix) {
      ns = it->second;
      return true;
    }
  }
  ns.clear();
  return prefix.empty();  // an unbound prefix is an error; no default namespace is fine
}

Result<XmlEvent, std::string> XmlReader::start_tag() {
  if (root_done_ && open_.empty()) return fail("content after the root element");
  if (open_.size() >= limits_.max_depth) return fail("too deep");
  if (++elements_ > limits_.max_elements) return fail("too many elements");
  ++pos_;  // '<'
  std::string_view qname = read_name();
  if (qname.empty()) return fail("bad element name");
  std::vector<RawAttr> raw;
  bool self_closing = false;
  std::string err;
  if (!read_attributes(raw, self_closing, err)) return fail(err);
  std::size_t mark = ns_.size();
  if (!declare(raw, err)) return fail(err);
  open_.push_back(Open{qname, mark});
  XmlEvent ev;
  ev.kind = XmlEvent::Kind::StartElement;
  if (!resolve(qname, false, ev.ns, ev.local)) return fail("unbound namespace prefix");
  for (auto& a : raw) {
    if (a.qname == "xmlns" || a.qname.starts_with("xmlns:")) continue;
    XmlAttribute attr;
    if (!resolve(a.qname, true, attr.ns, attr.local)) return fail("unbound attribute prefix");
    attr.value = std::move(a.value);
    ev.attributes.push_back(std::move(attr));
  }
  pending_end_ = self_closing;
  return ev;
}

Result<XmlEvent, std::string> XmlReader::end_tag() {
  pos_ += 2;  // "</"
  std::string_view qname = read_name();
  skip_space();
  if (pos_ >= doc_.size() || doc_[pos_] != '>') return fail("bad end tag");
  ++pos_;
  if (open_.empty() || open_.back().qname != qname) return fail("mismatched end tag");
  return pop_element();
}

Result<XmlEvent, std::string> XmlReader::pop_element() {
  XmlEvent ev;
  ev.kind = XmlEvent::Kind::EndElement;
  if (!resolve(open_.back().qname, false, ev.ns, ev.local)) return fail("unbound namespace prefix");
  ns_.resize(open_.back().ns_mark);
  open_.pop_back();
  if (open_.empty()) root_done_ = true;
  return ev;
}

}  // namespace parley::presence
