// The browser app's files (the Vite build in app_dir) as HTTP answers: path
// checks against traversal, index.html for `/` and client-side routes, MIME
// types and cache headers. No sockets: the web server's HTTP connections ask
// it for an HttpResponse. Owned by the web server. Thread: core (reads small
// files synchronously; the built app is a few hundred KiB).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "web/http_types.hpp"

namespace parley::web {

// {"error":{"code":...,"message":...}} as api.md's error table asks.
HttpResponse error_response(int status, std::string_view code, std::string_view message);

class StaticFiles {
 public:
  explicit StaticFiles(const std::string& app_dir);

  // GET/HEAD of `target` (path and query as received). For HEAD the body is
  // empty and the Content-Length header carries the file's size.
  HttpResponse serve(std::string_view method, std::string_view target) const;

  // The URL path percent-decoded, or nullopt when it may leave app_dir or is
  // malformed ("..", backslashes, NUL, bad escapes). Public for tests.
  static std::optional<std::string> safe_relative_path(std::string_view target);
  static std::string_view mime_type(std::string_view path);

 private:
  HttpResponse file_response(const std::filesystem::path& file, bool head,
                             bool immutable) const;
  HttpResponse not_built() const;

  std::filesystem::path root_;  // canonical; empty when there is no app_dir
  bool has_index_ = false;
  std::size_t max_file_bytes_ = 64 * 1024 * 1024;
};

}  // namespace parley::web
