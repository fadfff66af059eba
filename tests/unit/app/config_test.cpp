#include "app/lib/config.hpp"

#include <gtest/gtest.h>

namespace parley::app {
namespace {

// Expects parse_config(text) to fail with a message that starts with
// "config: KEY:".
void expect_error(const std::string& text, const std::string& key) {
  try {
    parse_config(text);
    ADD_FAILURE() << "no error for: " << text;
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("config: " + key + ": ", 0), 0u)
        << "message: " << e.what() << "\nexpected key: " << key;
  }
}

TEST(Config, EmptyFileGivesDefaults) {
  const Config c = parse_config("");
  EXPECT_EQ(c, Config{});
  EXPECT_EQ(c.sip.domain, "localhost");
  ASSERT_EQ(c.sip.listen.size(), 3u);
  EXPECT_EQ(c.sip.listen[2], (ListenSpec{SipTransport::Tls, "127.0.0.1", 5061}));
  EXPECT_EQ(c.http.listen, (HostPort{"127.0.0.1", 8080}));
  EXPECT_EQ(c.media.port_min, 40000);
  EXPECT_EQ(c.media.port_max, 40999);
  EXPECT_EQ(c.log.level, "info");
  EXPECT_TRUE(c.store.path.empty());
}

TEST(Config, DefaultTextParsesBackToDefaults) {
  EXPECT_EQ(parse_config(default_config_toml()), Config{});
}

TEST(Config, DefaultTextHasACommentBeforeEveryKey) {
  const std::string text = default_config_toml();
  std::size_t pos = 0;
  std::string previous;
  int keys = 0;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    const std::string line = text.substr(pos, end - pos);
    if (!line.empty() && line[0] != '#' && line[0] != '[') {
      ++keys;
      EXPECT_EQ(previous.rfind("#", 0), 0u) << "no comment before: " << line;
    }
    previous = line;
    pos = end == std::string::npos ? text.size() : end + 1;
  }
  EXPECT_EQ(keys, 32);
}

TEST(Config, AdvertiseIsAHost) {
  EXPECT_EQ(parse_config("[sip]\nadvertise = \"sip.example.org\"\n").sip.advertise, "sip.example.org");
  try {
    parse_config("[sip]\nadvertise = \"not a host\"\n");
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sip.advertise"), std::string::npos) << e.what();
  }
}

TEST(Config, DigestAlgorithmsAreCheckedAndNamed) {
  const Config md5 = parse_config("[sip]\ndigest_algorithms = [\"md5\"]\nmd5_only_agents = []\n");
  EXPECT_EQ(md5.sip.digest_algorithms, std::vector<std::string>{"MD5"});
  EXPECT_TRUE(md5.sip.md5_only_agents.empty());
  try {
    parse_config("[sip]\ndigest_algorithms = [\"SHA-1\"]\n");
    FAIL() << "SHA-1 accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sip.digest_algorithms[0]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_config("[sip]\ndigest_algorithms = []\n"), ConfigError);
}

TEST(Config, ReadsEveryKey) {
  const Config c = parse_config(R"(
[sip]
domain = "example.org"
listen = ["udp:0.0.0.0:5070", "wss:[::1]:0"]
trusted = ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"]
tls_certificate = "/etc/cert.pem"
tls_private_key = "/etc/key.pem"
min_expires = 30
max_expires = 7200
default_expires = 600
max_connections = 5
idle_timeout = 60
max_message_size = 4096
[http]
listen = "[::]:8443"
tls_listen = "127.0.0.1:8444"
app_dir = "/srv/parley/app"
allowed_origins = ["https://chat.example.org"]
session_idle_timeout = 600
session_max_age = 3600
max_connections = 100
max_body_size = 4096
[media]
address = "192.0.2.1"
ports = "20000-20099"
[log]
level = "debug"
[store]
path = "/var/lib/parley/p.db"
)");
  EXPECT_EQ(c.sip.domain, "example.org");
  ASSERT_EQ(c.sip.listen.size(), 2u);
  EXPECT_EQ(c.sip.listen[0], (ListenSpec{SipTransport::Udp, "0.0.0.0", 5070}));
  EXPECT_EQ(c.sip.listen[1], (ListenSpec{SipTransport::Wss, "::1", 0}));
  ASSERT_EQ(c.sip.trusted.size(), 3u);
  EXPECT_EQ(c.sip.trusted[1].to_string(), "2001:db8::/32");
  EXPECT_EQ(c.sip.trusted[2].to_string(), "192.0.2.7/32");
  EXPECT_EQ(c.sip.tls_private_key, "/etc/key.pem");
  EXPECT_EQ(c.sip.min_expires, 30u);
  EXPECT_EQ(c.sip.max_expires, 7200u);
  EXPECT_EQ(c.sip.default_expires, 600u);
  EXPECT_EQ(c.sip.max_connections, 5u);
  EXPECT_EQ(c.sip.idle_timeout, 60u);
  EXPECT_EQ(c.sip.max_message_size, 4096u);
  EXPECT_EQ(c.http.listen, (HostPort{"::", 8443}));
  EXPECT_EQ(c.http.tls_listen, (HostPort{"127.0.0.1", 8444}));
  EXPECT_EQ(c.http.app_dir, "/srv/parley/app");
  EXPECT_EQ(c.http.allowed_origins, std::vector<std::string>{"https://chat.example.org"});
  EXPECT_EQ(c.http.session_idle_timeout, 600u);
  EXPECT_EQ(c.http.session_max_age, 3600u);
  EXPECT_EQ(c.http.max_connections, 100u);
  EXPECT_EQ(c.http.max_body_size, 4096u);
  EXPECT_EQ(c.media.address, "192.0.2.1");
  EXPECT_EQ(c.media.port_min, 20000);
  EXPECT_EQ(c.media.port_max, 20099);
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_EQ(c.store.path, "/var/lib/parley/p.db");
}

TEST(Config, EveryErrorNamesItsKey) {
  expect_error("[sip]\nlisten = [\"udp:127.0.0.1:5060\", \"foo:1.2.3.4:5\"]", "sip.listen[1]");
  expect_error("[sip]\nlisten = [\"udp:127.0.0.1\"]", "sip.listen[0]");
  expect_error("[sip]\nlisten = [\"udp:localhost:5060\"]", "sip.listen[0]");
  expect_error("[sip]\nlisten = [\"udp:1.2.3.4:70000\"]", "sip.listen[0]");
  expect_error("[sip]\nlisten = [5060]", "sip.listen[0]");
  expect_error("[sip]\nlisten = \"udp:1.2.3.4:5060\"", "sip.listen");
  expect_error("[sip]\ntrusted = [\"10.0.0.0/33\"]", "sip.trusted[0]");
  expect_error("[sip]\ntrusted = [\"::1\", \"2001:db8::/129\"]", "sip.trusted[1]");
  expect_error("[sip]\ntrusted = [\"banana\"]", "sip.trusted[0]");
  expect_error("[sip]\ndomain = 5", "sip.domain");
  expect_error("[sip]\ndomain = \"a b\"", "sip.domain");
  expect_error("[sip]\nmin_expires = \"60\"", "sip.min_expires");
  expect_error("[sip]\nmin_expires = 0", "sip.min_expires");
  expect_error("[sip]\nmin_expires = 100\nmax_expires = 50", "sip.max_expires");
  expect_error("[sip]\ndefault_expires = 10", "sip.default_expires");
  expect_error("[sip]\nmax_connections = -1", "sip.max_connections");
  expect_error("[sip]\nidle_timeout = 1.5", "sip.idle_timeout");
  expect_error("[sip]\nmax_message_size = 10", "sip.max_message_size");
  // The missing half is the key named.
  expect_error("[sip]\ntls_certificate = \"/c.pem\"", "sip.tls_private_key");
  expect_error("[sip]\ntls_private_key = \"/k.pem\"", "sip.tls_certificate");
  expect_error("[sip]\nlisen = []", "sip.lisen");
  expect_error("[http]\nlisten = \"127.0.0.1\"", "http.listen");
  expect_error("[http]\nlisten = \"\"", "http.listen");
  expect_error("[http]\nport = 80", "http.port");
  expect_error("[http]\ntls_listen = \"x:1\"", "http.tls_listen");
  expect_error("[http]\nallowed_origins = [\"chat.example.org\"]", "http.allowed_origins[0]");
  expect_error("[http]\nsession_idle_timeout = 5", "http.session_idle_timeout");
  expect_error("[http]\nsession_idle_timeout = 7200\nsession_max_age = 3600", "http.session_max_age");
  expect_error("[http]\ntls_certificate = \"/c.pem\"", "http.tls_private_key");
  expect_error("[media]\nports = \"41000-40000\"", "media.ports");
  expect_error("[media]\nports = \"80-90\"", "media.ports");
  expect_error("[media]\nports = \"40000\"", "media.ports");
  expect_error("[media]\naddress = \"example.org\"", "media.address");
  expect_error("[log]\nlevel = \"loud\"", "log.level");
  expect_error("[store]\npath = 3", "store.path");
  expect_error("[stroe]\npath = \"\"", "stroe");
  expect_error("sip = 3", "sip");
}

TEST(Config, SyntaxErrorNamesSourceAndLine) {
  try {
    parse_config("[sip]\ndomain = \n", "my.toml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("config: my.toml:2:", 0), 0u) << e.what();
  }
}

TEST(Config, MissingFileIsAnError) {
  EXPECT_THROW(load_config("/nonexistent/parley.toml"), ConfigError);
}

TEST(Config, StorePathResolvesAgainstDataDir) {
  Config c;
  EXPECT_EQ(resolve_store_path(c, "/d"), std::filesystem::path("/d/parley.db"));
  c.store.path = "x/y.db";
  EXPECT_EQ(resolve_store_path(c, "/d"), std::filesystem::path("/d/x/y.db"));
  c.store.path = "/abs.db";
  EXPECT_EQ(resolve_store_path(c, "/d"), std::filesystem::path("/abs.db"));
}

TEST(Cidr, ContainsIpv4AndIpv6) {
  auto v4 = Cidr::parse("10.1.0.0/16");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->contains("10.1.2.3"));
  EXPECT_TRUE(v4->contains("::ffff:10.1.2.3"));  // IPv4-mapped
  EXPECT_FALSE(v4->contains("10.2.0.1"));
  EXPECT_FALSE(v4->contains("2001:db8::1"));
  EXPECT_FALSE(v4->contains("not an address"));
  auto v6 = Cidr::parse("2001:db8:abcd::/48");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->contains("2001:db8:abcd:12::1"));
  EXPECT_TRUE(v6->contains("[2001:db8:abcd::5]"));
  EXPECT_FALSE(v6->contains("2001:db8:abce::1"));
  EXPECT_FALSE(v6->contains("10.1.2.3"));
  auto host = Cidr::parse("192.0.2.7");
  ASSERT_TRUE(host);
  EXPECT_TRUE(host->contains("192.0.2.7"));
  EXPECT_FALSE(host->contains("192.0.2.8"));
  auto all = Cidr::parse("0.0.0.0/0");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->contains("203.0.113.9"));
  EXPECT_EQ(Cidr::parse("10.1.2.3/8")->to_string(), "10.0.0.0/8");  // host bits cleared
  EXPECT_FALSE(Cidr::parse("10.0.0.0/"));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/-1"));
  EXPECT_FALSE(Cidr::parse("/8"));
}

}  // namespace
}  // namespace parley::app

namespace parley::app {
namespace {

TEST(Config, ChatLimitsAreReadAndChecked) {
  Config c = parse_config("[chat]\nmax_message_bytes = 2000\nmessages_per_minute = 30\nburst = 5\n"
                          "max_rooms_per_user = 3\n");
  EXPECT_EQ(c.chat.max_message_bytes, 2000u);
  EXPECT_EQ(c.chat.messages_per_minute, 30u);
  EXPECT_EQ(c.chat.burst, 5u);
  EXPECT_EQ(c.chat.max_rooms_per_user, 3u);
  EXPECT_THROW(parse_config("[chat]\nmax_message_bytes = 0\n"), ConfigError);
  EXPECT_THROW(parse_config("[chat]\nmax_message_bytes = 70000\n"), ConfigError);
  EXPECT_THROW(parse_config("[chat]\nunknown = 1\n"), ConfigError);
}

}  // namespace
}  // namespace parley::app
