#include "app/lib/config.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "base/strings.hpp"

namespace parley::app {

namespace {

[[noreturn]] void bad(std::string_view key, std::string_view why) {
  throw ConfigError("config: " + std::string(key) + ": " + std::string(why));
}


std::string_view type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

// One [section] of the file: typed getters that remember which keys they
// saw, so that finish() can refuse the rest (a typo must not be ignored).
class Section {
 public:
  Section(const toml::table* table, std::string name) : table_(table), name_(std::move(name)) {}

  std::string key(std::string_view k) const { return name_ + "." + std::string(k); }

  const toml::node* get(std::string_view k) {
    known_.insert(std::string(k));
    return table_ != nullptr ? table_->get(k) : nullptr;
  }

  // False (and `out` untouched) when the key is absent.
  bool string(std::string_view k, std::string& out) {
    const auto* n = get(k);
    if (n == nullptr) return false;
    if (!n->is_string()) bad(key(k), "expected a string, got " + std::string(type_name(*n)));
    out = n->as_string()->get();
    return true;
  }

  template <typename T>
  void integer(std::string_view k, std::int64_t min, std::int64_t max, T& out) {
    if (const auto* n = get(k)) {
      if (!n->is_integer()) bad(key(k), "expected an integer, got " + std::string(type_name(*n)));
      const std::int64_t v = n->as_integer()->get();
      if (v < min || v > max) {
        bad(key(k), "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                        ", got " + std::to_string(v));
      }
      out = static_cast<T>(v);
    }
  }

  // Each element must be a string; `each(index_key, text)` parses it.
  template <typename F>
  bool string_array(std::string_view k, F each) {
    const auto* n = get(k);
    if (n == nullptr) return false;
    if (!n->is_array()) bad(key(k), "expected an array of strings, got " + std::string(type_name(*n)));
    std::size_t i = 0;
    for (const auto& item : *n->as_array()) {
      const std::string item_key = key(k) + "[" + std::to_string(i++) + "]";
      if (!item.is_string()) bad(item_key, "expected a string, got " + std::string(type_name(item)));
      each(item_key, item.as_string()->get());
    }
    return true;
  }

  void finish() const {
    if (table_ == nullptr) return;
    for (const auto& [k, v] : *table_) {
      if (!known_.count(std::string(k.str()))) bad(key(k.str()), "unknown key");
    }
  }

 private:
  const toml::table* table_;
  std::string name_;
  std::set<std::string> known_;
};

std::uint16_t parse_port(const std::string& key, std::string_view text) {
  auto port = parse_uint(text, 65535);
  if (!port) bad(key, "bad port " + in_quotes(text) + " (0 to 65535)");
  return static_cast<std::uint16_t>(*port);
}

// "HOST:PORT" with HOST an IPv4 literal or a bracketed IPv6 literal.
HostPort parse_host_port(const std::string& key, std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      bad(key, "expected [IPV6]:PORT, got " + in_quotes(text));
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) bad(key, "expected HOST:PORT, got " + in_quotes(text));
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (!IpAddress::parse(host)) {
    bad(key, "host " + in_quotes(host) + " must be an IP address (IPv6 in [brackets])");
  }
  return HostPort{std::string(host), parse_port(key, port)};
}

ListenSpec parse_listen(const std::string& key, std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    bad(key, "expected TRANSPORT:HOST:PORT, got " + in_quotes(text));
  }
  const std::string_view name = text.substr(0, colon);
  ListenSpec spec;
  for (auto t : {SipTransport::Udp, SipTransport::Tcp, SipTransport::Tls, SipTransport::Ws,
                 SipTransport::Wss}) {
    if (name == to_string(t)) {
      spec.transport = t;
      HostPort hp = parse_host_port(key, text.substr(colon + 1));
      spec.host = std::move(hp.host);
      spec.port = hp.port;
      return spec;
    }
  }
  bad(key, "unknown transport " + in_quotes(name) + " (udp, tcp, tls, ws, wss)");
}

bool valid_domain(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  if (IpAddress::parse(d)) return true;
  for (char c : d) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void read_sip(Section s, SipConfig& sip) {
  s.string("domain", sip.domain);
  if (!valid_domain(sip.domain)) {
    bad(s.key("domain"), "must be a host name or IP address, got " + in_quotes(sip.domain));
  }
  std::vector<ListenSpec> listen;
  if (s.string_array("listen", [&](const std::string& k, std::string_view v) {
        listen.push_back(parse_listen(k, v));
      })) {
    sip.listen = std::move(listen);
  }
  s.string_array("trusted", [&](const std::string& k, std::string_view v) {
    auto cidr = Cidr::parse(v);
    if (!cidr) bad(k, "bad CIDR " + in_quotes(v) + " (e.g. \"10.0.0.0/8\" or \"2001:db8::/32\")");
    sip.trusted.push_back(*cidr);
  });
  s.string("advertise", sip.advertise);
  if (!sip.advertise.empty() && !valid_domain(sip.advertise)) {
    bad(s.key("advertise"), "must be a host name or IP address, got " + in_quotes(sip.advertise));
  }
  s.string("tls_certificate", sip.tls_certificate);
  s.string("tls_private_key", sip.tls_private_key);
  if (sip.tls_certificate.empty() != sip.tls_private_key.empty()) {
    bad(s.key(sip.tls_certificate.empty() ? "tls_certificate" : "tls_private_key"),
        "tls_certificate and tls_private_key must be set together");
  }
  s.integer("min_expires", 1, 86400, sip.min_expires);
  s.integer("max_expires", 1, 86400 * 7, sip.max_expires);
  s.integer("default_expires", 1, 86400 * 7, sip.default_expires);
  if (sip.max_expires < sip.min_expires) bad(s.key("max_expires"), "must be >= min_expires");
  if (sip.default_expires < sip.min_expires || sip.default_expires > sip.max_expires) {
    bad(s.key("default_expires"), "must be between min_expires and max_expires");
  }
  s.integer("max_connections", 1, 1000000, sip.max_connections);
  s.integer("idle_timeout", 1, 86400, sip.idle_timeout);
  s.integer("max_message_size", 1500, 16 * 1024 * 1024, sip.max_message_size);
  std::vector<std::string> algorithms;
  if (s.string_array("digest_algorithms", [&](const std::string& k, std::string_view v) {
        if (!iequals(v, "SHA-256") && !iequals(v, "MD5")) {
          bad(k, "unknown digest algorithm " + in_quotes(v) + " (SHA-256 or MD5)");
        }
        algorithms.push_back(iequals(v, "MD5") ? "MD5" : "SHA-256");
      })) {
    if (algorithms.empty()) bad(s.key("digest_algorithms"), "needs at least one algorithm");
    sip.digest_algorithms = std::move(algorithms);
  }
  std::vector<std::string> agents;
  if (s.string_array("md5_only_agents", [&](const std::string&, std::string_view v) {
        agents.emplace_back(v);
      })) {
    sip.md5_only_agents = std::move(agents);
  }
  s.finish();
}

void read_media(Section s, MediaConfig& media) {
  s.string("address", media.address);
  if (!IpAddress::parse(media.address)) {
    bad(s.key("address"), "must be an IP address, got " + in_quotes(media.address));
  }
  std::string ports;
  if (s.string("ports", ports)) {
    const auto dash = ports.find('-');
    auto first = parse_uint(std::string_view(ports).substr(0, dash), 65535);
    auto last = dash == std::string::npos
                    ? std::nullopt
                    : parse_uint(std::string_view(ports).substr(dash + 1), 65535);
    if (!first || !last || *first < 1024 || *first > *last) {
      bad(s.key("ports"), "expected FIRST-LAST with 1024 <= FIRST <= LAST <= 65535, got " +
                              in_quotes(ports));
    }
    media.port_min = static_cast<std::uint16_t>(*first);
    media.port_max = static_cast<std::uint16_t>(*last);
  }
  s.finish();
}

bool valid_origin(std::string_view o) {
  return (o.starts_with("http://") || o.starts_with("https://")) && o.find('/', 8) == o.npos &&
         o.size() < 256;
}

void read_http(Section s, HttpConfig& http) {
  std::string text;
  if (s.string("listen", text)) http.listen = parse_host_port(s.key("listen"), text);
  text.clear();
  if (s.string("tls_listen", text) && !text.empty()) {
    http.tls_listen = parse_host_port(s.key("tls_listen"), text);
  }
  s.string("tls_certificate", http.tls_certificate);
  s.string("tls_private_key", http.tls_private_key);
  if (http.tls_certificate.empty() != http.tls_private_key.empty()) {
    bad(s.key(http.tls_certificate.empty() ? "tls_certificate" : "tls_private_key"),
        "tls_certificate and tls_private_key must be set together");
  }
  s.string("app_dir", http.app_dir);
  s.string_array("allowed_origins", [&](const std::string& k, std::string_view v) {
    if (!valid_origin(v)) bad(k, "expected an origin such as \"https://chat.example.com\", got " + in_quotes(v));
    http.allowed_origins.emplace_back(v);
  });
  s.integer("session_idle_timeout", 60, 86400 * 30, http.session_idle_timeout);
  s.integer("session_max_age", 60, 86400 * 365, http.session_max_age);
  if (http.session_max_age < http.session_idle_timeout) {
    bad(s.key("session_max_age"), "must be >= session_idle_timeout");
  }
  s.integer("max_connections", 1, 1000000, http.max_connections);
  s.integer("max_body_size", 1024, 1024 * 1024 * 1024, http.max_body_size);
  s.finish();
}

void read_chat(Section s, ChatConfig& chat) {
  s.integer("max_message_bytes", 1, 65536, chat.max_message_bytes);
  s.integer("messages_per_minute", 1, 600000, chat.messages_per_minute);
  s.integer("burst", 1, 100000, chat.burst);
  s.integer("max_rooms_per_user", 0, 100000, chat.max_rooms_per_user);
  s.finish();
}

Config read_config(const toml::table& root) {
  static const std::set<std::string, std::less<>> kSections{"sip", "http", "chat", "media", "log", "store"};
  for (const auto& [k, v] : root) {
    if (!kSections.count(k.str())) bad(k.str(), "unknown key");
    if (!v.is_table()) bad(k.str(), "expected a table ([" + std::string(k.str()) + "])");
  }
  auto section = [&](const char* name) { return Section(root[name].as_table(), name); };
  Config c;
  read_sip(section("sip"), c.sip);
  read_http(section("http"), c.http);
  read_chat(section("chat"), c.chat);
  read_media(section("media"), c.media);
  {
    Section log = section("log");
    log.string("level", c.log.level);
    static const std::set<std::string> kLevels{"trace", "debug", "info",    "warn",
                                               "error", "critical", "off"};
    if (!kLevels.count(c.log.level)) {
      bad(log.key("level"), "unknown level " + in_quotes(c.log.level) +
                                " (trace, debug, info, warn, error, critical, off)");
    }
    log.finish();
  }
  {
    Section store = section("store");
    store.string("path", c.store.path);
    store.finish();
  }
  return c;
}

}  // namespace

std::string_view to_string(SipTransport t) {
  switch (t) {
    case SipTransport::Udp: return "udp";
    case SipTransport::Tcp: return "tcp";
    case SipTransport::Tls: return "tls";
    case SipTransport::Ws: return "ws";
    case SipTransport::Wss: return "wss";
  }
  return "udp";
}

Config parse_config(std::string_view toml_text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError("config: " + std::string(source) + ":" + std::to_string(where.line) + ":" +
                      std::to_string(where.column) + ": " + std::string(e.description()));
  }
  return read_config(root);
}

Config load_config(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError("config: cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), file.string());
}

std::filesystem::path resolve_store_path(const Config& config,
                                         const std::filesystem::path& data_dir) {
  if (config.store.path.empty()) return data_dir / "parley.db";
  const std::filesystem::path p(config.store.path);
  return p.is_absolute() ? p : data_dir / p;
}

}  // namespace parley::app
