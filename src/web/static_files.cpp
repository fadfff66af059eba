#include "web/static_files.hpp"

#include <array>
#include <fstream>
#include <system_error>
#include <utility>

namespace parley::web {

namespace fs = std::filesystem;

namespace {

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The extension of the last path segment, without the dot; empty if none.
std::string_view extension(std::string_view path) {
  const auto slash = path.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto dot = last.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return last.substr(dot + 1);
}

bool inside(const fs::path& root, const fs::path& p) {
  // Component-wise prefix: "/app" must not accept "/app-evil/x".
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

constexpr std::string_view kNotBuilt =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Parley</title></head>"
    "<body><h1>Parley</h1><p>The browser app is not built. Run <code>make build</code> "
    "(or <code>make run</code>) to build it, then reload this page.</p></body></html>\n";

}  // namespace

HttpResponse error_response(int status, std::string_view code, std::string_view message) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = "{\"error\":{\"code\":";
  append_json_string(r.body, code);
  r.body += ",\"message\":";
  append_json_string(r.body, message);
  r.body += "}}";
  return r;
}

StaticFiles::StaticFiles(const std::string& app_dir) {
  if (app_dir.empty()) return;
  std::error_code ec;
  fs::path root = fs::canonical(app_dir, ec);
  if (ec || !fs::is_directory(root, ec)) return;
  root_ = std::move(root);
  has_index_ = fs::is_regular_file(root_ / "index.html", ec);
}

std::optional<std::string> StaticFiles::safe_relative_path(std::string_view target) {
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '%') {
      if (i + 2 >= path.size()) return std::nullopt;
      const int hi = hex_value(path[i + 1]);
      const int lo = hex_value(path[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0' || c == '\\') return std::nullopt;
    out += c;
  }
  // Check segments after decoding: "%2e%2e" is "..", and "." is refused too.
  std::size_t start = 0;
  while (start <= out.size()) {
    auto end = out.find('/', start);
    if (end == std::string::npos) end = out.size();
    const std::string_view seg(out.data() + start, end - start);
    if (seg == "." || seg == "..") return std::nullopt;
    start = end + 1;
  }
  return out;
}

std::string_view StaticFiles::mime_type(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 15> kTypes{{
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"txt", "text/plain; charset=utf-8"},
      {"wasm", "application/wasm"},
      {"webmanifest", "application/manifest+json"},
  }};
  const std::string_view ext = extension(path);
  for (const auto& [e, type] : kTypes) {
    if (e.size() != ext.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < e.size() && same; ++i) {
      const char c = ext[i] >= 'A' && ext[i] <= 'Z' ? static_cast<char>(ext[i] + 32) : ext[i];
      same = c == e[i];
    }
    if (same) return type;
  }
  return "application/octet-stream";
}

HttpResponse StaticFiles::serve(std::string_view method, std::string_view target) const {
  if (method != "GET" && method != "HEAD") {
    auto r = error_response(405, "method_not_allowed", "only GET and HEAD serve files");
    r.headers.emplace_back("allow", "GET, HEAD");
    return r;
  }
  const bool head = method == "HEAD";
  const auto rel = safe_relative_path(target);
  if (!rel) return error_response(400, "bad_request", "bad path");
  if (root_.empty() || !has_index_) {
    if (*rel == "/" || extension(*rel).empty()) return not_built();
    return error_response(404, "not_found", "no such file");
  }
  const fs::path index = root_ / "index.html";
  if (*rel == "/") return file_response(index, head, false);

  std::error_code ec;
  const fs::path wanted = root_ / fs::path(rel->substr(1));
  const fs::path real = fs::weakly_canonical(wanted, ec);
  // Symlinks could still point out of the app: compare the resolved path.
  if (ec || !inside(root_, real)) return error_response(404, "not_found", "no such file");
  if (fs::is_regular_file(real, ec)) {
    const bool immutable = rel->starts_with("/assets/");
    return file_response(real, head, immutable);
  }
  // A client-side route (/rooms/general) has no extension: the app handles it.
  if (extension(*rel).empty()) return file_response(index, head, false);
  return error_response(404, "not_found", "no such file");
}

HttpResponse StaticFiles::file_response(const fs::path& file, bool head, bool immutable) const {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec || size > max_file_bytes_) return error_response(404, "not_found", "no such file");
  HttpResponse r;
  r.content_type = std::string(mime_type(file.native()));
  // Vite's hashed assets never change under a name; index.html must be
  // revalidated so a new build's asset names are picked up.
  r.headers.emplace_back("cache-control",
                         immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (head) {
    r.headers.emplace_back("content-length", std::to_string(size));
    return r;
  }
  std::ifstream in(file, std::ios::binary);
  r.body.resize(size);
  if (!in.read(r.body.data(), static_cast<std::streamsize>(size))) {
    return error_response(500, "internal", "file read failed");
  }
  return r;
}

HttpResponse StaticFiles::not_built() const {
  HttpResponse r;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::string(kNotBuilt);
  r.headers.emplace_back("cache-control", "no-cache");
  return r;
}

}  // namespace parley::web
