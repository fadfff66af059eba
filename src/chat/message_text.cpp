#include "chat/message_text.hpp"

#include "base/strings.hpp"
#include "chat/cpim.hpp"

namespace parley::chat {

namespace {

// "text/plain; charset=UTF-8" -> "text/plain", lower-case.
std::string media_type(std::string_view content_type) {
  const std::size_t semi = content_type.find(';');
  return to_lower(trim(content_type.substr(0, semi)));
}

bool charset_is_utf8(std::string_view content_type) {
  for (auto param : split(content_type, ';')) {
    param = trim(param);
    const std::size_t eq = param.find('=');
    if (eq == std::string_view::npos || !iequals(trim(param.substr(0, eq)), "charset")) continue;
    std::string_view value = trim(param.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    // US-ASCII is a subset of UTF-8; other charsets would need converting.
    return iequals(value, "utf-8") || iequals(value, "utf8") || iequals(value, "us-ascii");
  }
  return true;  // RFC 3428 section 9 default for MESSAGE is UTF-8
}

ChatResult<std::string> plain(std::string_view content_type, std::string_view body,
                              const ChatLimits& limits) {
  if (!charset_is_utf8(content_type)) {
    return refuse(RefusalCode::UnsupportedContent, "only UTF-8 text can be posted");
  }
  if (auto s = check_message_size(body, limits); !s.ok()) return fail(s.error());
  return std::string(body);
}

}  // namespace

ChatResult<std::string> message_text(std::string_view content_type, std::string_view body,
                                     const ChatLimits& limits) {
  const std::string type = media_type(content_type);
  if (type.empty() || type == "text/plain") return plain(content_type, body, limits);
  if (type != kCpimContentType) {
    return refuse(
        RefusalCode::UnsupportedContent,
        "messages must be text/plain or message/cpim, not " + in_quotes(type.substr(0, 64)));
  }
  // The CPIM envelope adds a few hundred bytes to the text it carries.
  CpimLimits cpim_limits;
  cpim_limits.max_size = limits.max_message_bytes + 8192;
  if (body.size() > cpim_limits.max_size) {
    return refuse(RefusalCode::MessageTooLarge, "the message is larger than the limit of " +
                                                    std::to_string(limits.max_message_bytes) +
                                                    " bytes");
  }
  auto cpim = decode_cpim(body, cpim_limits);
  if (!cpim.ok()) {
    return refuse(RefusalCode::UnsupportedContent,
                  "malformed message/cpim: " + cpim.error().reason);
  }
  const std::string inner = media_type(cpim->content_type);
  if (inner != "text/plain") {
    return refuse(RefusalCode::UnsupportedContent,
                  "message/cpim must carry text/plain, not " + in_quotes(inner.substr(0, 64)));
  }
  return plain(cpim->content_type, cpim->body, limits);
}

}  // namespace parley::chat
