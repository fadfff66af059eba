#include "sip/transaction/transaction_key.hpp"

#include <cctype>

#include "sip/transaction/transaction_messages.hpp"

namespace parley::sip {
namespace {

constexpr char kSep = '\x1f';

void append_method(std::string& out, Method m, std::string_view text) {
  if (m != Method::Unknown) {
    out.push_back(static_cast<char>('A' + static_cast<int>(m)));
  } else {
    out.push_back('?');
    out.append(text);
  }
}

void append_lower(std::string& out, std::string_view s) {
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
}

void append_number(std::string& out, std::uint32_t n) {
  char buf[10];
  int len = 0;
  do {
    buf[len++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  while (len > 0) out.push_back(buf[--len]);
}

// RFC 3261 §18.2.2 / §19.1.2: a sent-by without port means the transport's default.
std::uint16_t effective_port(const Via& via) {
  if (via.port != 0) return via.port;
  return (via.transport == "TLS" || via.transport == "WSS") ? 5061 : 5060;
}

void append_sent_by(std::string& out, const Via& via) {
  append_lower(out, via.host);
  out.push_back(':');
  append_number(out, effective_port(via));
}

void append_uri(std::string& out, const Uri& uri) {
  out.append(uri.scheme);
  out.push_back(':');
  if (!uri.is_sip()) {
    out.append(uri.opaque.empty() ? uri.user : uri.opaque);
    return;
  }
  out.append(uri.user);
  out.push_back('@');
  append_lower(out, uri.host);
  out.push_back(':');
  append_number(out, uri.port);
}

}  // namespace

void make_client_key(std::string_view branch, const CSeq& cseq, std::string& out) {
  out.clear();
  out.push_back('C');
  out.append(branch);
  out.push_back(kSep);
  append_method(out, cseq.method, cseq.method_text);
}

bool make_server_key(const Message& request, Method method, std::string_view method_text,
                     std::string_view to_tag, std::string& out) {
  out.clear();
  if (request.vias.empty()) return false;
  const Via& via = request.vias.front();
  std::string_view branch = param_value(via.params, "branch");
  if (is_rfc3261_branch(branch)) {
    // RFC 3261 §17.2.3: branch, sent-by and method (ACK counts as INVITE).
    out.push_back('S');
    out.append(branch);
    out.push_back(kSep);
    append_sent_by(out, via);
    out.push_back(kSep);
    append_method(out, method, method_text);
    return true;
  }
  // RFC 3261 §17.2.3, RFC 2543 compatibility.
  out.push_back('O');
  append_method(out, method, method_text);
  out.push_back(kSep);
  append_uri(out, request.request_uri);
  out.push_back(kSep);
  out.append(from_tag(request));
  out.push_back(kSep);
  out.append(request.call_id);
  out.push_back(kSep);
  append_number(out, request.cseq.number);
  out.push_back(kSep);
  out.append(via.transport);
  out.push_back(kSep);
  append_sent_by(out, via);
  out.push_back(kSep);
  out.append(branch);
  // Last, so the key an ACK matches by is the INVITE's key with another tag.
  out.push_back(kSep);
  out.append(to_tag);
  return true;
}

}  // namespace parley::sip
