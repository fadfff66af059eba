// A small pull reader for the XML that presence bodies use (PIDF, RPID, the
// RFC 4479 data model): elements, attributes, character data, comments,
// processing instructions and CDATA, with namespace prefixes resolved (XML
// Namespaces 1.0). It refuses DOCTYPE (so no entity expansion tricks), any
// entity but the five predefined and character references, and anything over
// its limits. No recursion; never throws on input. Not a validating parser.
// Owned by its caller for one document. Thread: any.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace parley::presence {

struct XmlLimits {
  std::size_t max_bytes = 32 * 1024;
  std::size_t max_depth = 16;
  std::size_t max_elements = 512;
  std::size_t max_attributes = 16;   // per element, xmlns declarations included
  std::size_t max_text = 4096;       // one run of character data or one attribute value
  std::size_t max_namespaces = 64;   // declarations in scope at once
};

struct XmlAttribute {
  std::string ns;     // resolved namespace URI; "" for an unprefixed attribute
  std::string local;
  std::string value;  // entities decoded
};

struct XmlEvent {
  enum class Kind { StartElement, EndElement, Text, EndOfDocument };
  Kind kind = Kind::EndOfDocument;
  std::string ns;     // element namespace URI ("" when none is in scope)
  std::string local;  // element local name
  std::vector<XmlAttribute> attributes;  // StartElement only; no xmlns declarations
  std::string text;   // Text only: decoded, never only whitespace
};

class XmlReader {
 public:
  explicit XmlReader(std::string_view document, XmlLimits limits = {});

  // The next event. After EndOfDocument or an error, the same outcome again.
  Result<XmlEvent, std::string> next();

  // Elements open right now (the element of a StartElement counts).
  std::size_t depth() const { return open_.size(); }

 private:
  struct Open {
    std::string_view qname;
    std::size_t ns_mark = 0;  // ns_.size() before this element's declarations
  };
  struct RawAttr {
    std::string_view qname;
    std::string value;
  };

  Result<XmlEvent, std::string> fail(std::string reason);
  Result<XmlEvent, std::string> start_tag();
  Result<XmlEvent, std::string> end_tag();
  Result<XmlEvent, std::string> text();
  Result<XmlEvent, std::string> cdata();
  Result<XmlEvent, std::string> pop_element();
  bool skip_until(std::string_view terminator);
  std::string_view read_name();
  void skip_space();
  bool read_attributes(std::vector<RawAttr>& attrs, bool& self_closing, std::string& err);
  bool declare(const std::vector<RawAttr>& attrs, std::string& err);
  bool resolve(std::string_view qname, bool is_attribute, std::string& ns, std::string& local) const;

  std::string_view doc_;
  XmlLimits limits_;
  std::size_t pos_ = 0;
  std::vector<Open> open_;
  std::vector<std::pair<std::string, std::string>> ns_;  // (prefix, uri), innermost last
  std::size_t elements_ = 0;
  bool root_done_ = false;
  bool pending_end_ = false;  // a self-closing element still owes its EndElement
  bool finished_ = false;
  std::string error_;
};

// Decodes the five predefined entities and character references of `raw`
// into `out`; false on anything else or on a reference to an invalid
// character.
bool xml_decode(std::string_view raw, std::string& out);

// Escapes &, <, >, " and ' for text and attribute values.
std::string xml_escape(std::string_view text);

}  // namespace parley::presence
