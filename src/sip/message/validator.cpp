// What parse_message checks: grammar, versions (505), sizes (513), duplicate
// single-value headers, scalar ranges. What is checked here: presence and
// consistency of the headers every transaction needs.
#include "sip/message/validator.hpp"

namespace parley::sip {

namespace {

// The method as written: the enum wins when known, so built messages work too.
std::string_view method_name(Method m, const std::string& text) {
  return m != Method::Unknown ? to_string(m) : std::string_view(text);
}

std::optional<ParseError> missing_mandatory(const Message& m, int status) {
  // RFC 3261 §8.1.1: To, From, CSeq, Call-ID and Via are mandatory (RFC 4475 insuf).
  // Max-Forwards is not checked: RFC 2543 peers omit it (RFC 4475 inv2543).
  if (m.vias.empty()) return ParseError{status, "Missing Via"};
  if (m.from.uri.empty()) return ParseError{status, "Missing From"};
  if (m.to.uri.empty()) return ParseError{status, "Missing To"};
  if (m.call_id.empty()) return ParseError{status, "Missing Call-ID"};
  if (method_name(m.cseq.method, m.cseq.method_text).empty()) {
    return ParseError{status, "Missing CSeq"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<ParseError> validate_request(const Message& m) {
  if (!m.is_request()) return ParseError{400, "Not a request"};
  if (auto e = missing_mandatory(m, 400)) return e;
  // RFC 3261 §8.1.1.5: the CSeq method matches the request method (RFC 4475
  // mismatch01). For an unknown method (mismatch02) RFC 4475 prefers 501 from
  // an endpoint, but a proxy forwards unknown methods, so 400 here.
  if (method_name(m.cseq.method, m.cseq.method_text) != method_name(m.method, m.method_text)) {
    return ParseError{400, "CSeq method mismatch"};
  }
  return std::nullopt;
}

std::optional<ParseError> validate_response(const Message& m) {
  if (!m.is_response()) return ParseError{0, "Not a response"};
  if (m.status_code < 100 || m.status_code > 699) return ParseError{0, "Bad status code"};
  return missing_mandatory(m, 0);
}

std::optional<ParseError> validate(const Message& m) {
  return m.is_request() ? validate_request(m) : validate_response(m);
}

}  // namespace parley::sip
