#include "presence/event_header.hpp"

#include "base/strings.hpp"

namespace parley::presence {
namespace {

std::string_view media_type(std::string_view value) {
  auto semi = value.find(';');
  return trim(value.substr(0, semi));
}

}  // namespace

std::optional<EventHeader> parse_event(const sip::Message& m) {
  auto value = m.header("Event");
  if (!value) return std::nullopt;
  auto parts = split(*value, ';');
  if (parts.empty()) return std::nullopt;
  EventHeader ev;
  ev.package = std::string(trim(parts[0]));
  if (ev.package.empty()) return std::nullopt;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::string_view p = trim(parts[i]);
    auto eq = p.find('=');
    if (eq != std::string_view::npos && iequals(trim(p.substr(0, eq)), "id")) {
      ev.id = std::string(trim(p.substr(eq + 1)));
    }
  }
  return ev;
}

bool is_pidf(std::string_view content_type) {
  return iequals(media_type(content_type), "application/pidf+xml");
}

bool accepts_pidf(const sip::Message& m) {
  if (m.header_values("Accept").empty()) return true;
  for (const auto& item : m.header_list("Accept")) {
    std::string_view type = media_type(item);
    if (iequals(type, "application/pidf+xml") || iequals(type, "application/*") ||
        type == "*/*") {
      return true;
    }
  }
  return false;
}

}  // namespace parley::presence
