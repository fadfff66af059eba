// Plain values for one HTTP exchange as the web server hands it to the
// application (WebHandler) and gets the answer back. Header names are
// lower-case. Thread: any (values).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/strong_id.hpp"

namespace parley::web {

struct HttpRequest {
  std::string method;  // "GET", "POST" ... as received
  std::string target;  // path and query exactly as received: "/api/v1/users?x=1"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string client_ip;  // peer address of the connection (IP literal)
  bool tls = false;

  // The first header with this (lower-case) name, empty if absent.
  std::string_view header(std::string_view lower_name) const {
    for (const auto& [n, v] : headers) {
      if (n == lower_name) return v;
    }
    return {};
  }
  // The path without the query.
  std::string_view path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra, e.g. Retry-After
};

struct WsIdTag {};
// One open WebSocket connection of the server; never reused while it runs.
using WsId = StrongId<WsIdTag>;

}  // namespace parley::web
