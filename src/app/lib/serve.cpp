// The composition root of `parley serve` (ARCHITECTURE.md "Threads and
// ownership"): opens the store, builds the SIP service on the core
// io_context, runs it on this thread until SIGINT/SIGTERM, then shuts down
// in order so nothing committed is lost.
#include "app/lib/serve.hpp"

#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "app/lib/allocator.hpp"
#include "app/lib/demo.hpp"
#include "base/log.hpp"
#include "gateway/chat_service.hpp"
#include "gateway/presence_service.hpp"
#include "gateway/room_cache.hpp"
#include "gateway/sip_service.hpp"
#include "gateway/store_worker.hpp"
#include "gateway/web_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::app {

namespace {

gateway::SipServiceConfig sip_service_config(const Config& config) {
  gateway::SipServiceConfig c;
  const SipConfig& sip = config.sip;
  c.domain = sip.domain;
  for (const auto& l : sip.listen) {
    if (l.transport == SipTransport::Ws || l.transport == SipTransport::Wss) {
      // SIP over WebSocket arrives with the web gateway; say so rather than
      // silently not listening.
      throw std::runtime_error("config: sip.listen: " + std::string(to_string(l.transport)) +
                               " is not supported yet");
    }
    // udp, tcp and tls name the same protocols in both layers.
    auto protocol = sip::transport::protocol_from_string(to_string(l.transport));
    c.listen.push_back({protocol.value_or(sip::transport::Protocol::Udp), l.host, l.port});
  }
  c.is_trusted = [trusted = sip.trusted](std::string_view ip) {
    for (const auto& net : trusted) {
      if (net.contains(ip)) return true;
    }
    return false;
  };
  c.advertise = sip.advertise;
  c.tls_certificate = sip.tls_certificate;
  c.tls_private_key = sip.tls_private_key;
  c.min_expires = sip.min_expires;
  c.max_expires = sip.max_expires;
  c.default_expires = sip.default_expires;
  c.max_connections = sip.max_connections;
  c.idle_timeout = sip.idle_timeout;
  c.max_message_size = sip.max_message_size;
  c.digest_sha256 = false;
  c.digest_md5 = false;
  for (const auto& a : sip.digest_algorithms) {
    (a == "MD5" ? c.digest_md5 : c.digest_sha256) = true;
  }
  c.md5_only_agents = sip.md5_only_agents;
  return c;
}

// The built browser app: http.app_dir, else ../client/dist from the binary's
// folder (build/parley in a source tree). Empty when there is none.
std::string resolve_app_dir(const HttpConfig& http) {
  namespace fs = std::filesystem;
  if (!http.app_dir.empty()) return http.app_dir;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  fs::path dist = exe.parent_path().parent_path() / "client" / "dist";
  if (!fs::exists(dist / "index.html", ec)) return {};
  return fs::weakly_canonical(dist, ec).string();
}

chat::ChatLimits chat_limits(const ChatConfig& c) {
  chat::ChatLimits l;
  l.max_message_bytes = c.max_message_bytes;
  l.messages_per_second = c.messages_per_minute / 60.0;
  l.burst = c.burst;
  l.max_rooms_per_user = c.max_rooms_per_user;
  return l;
}

gateway::WebServiceConfig web_service_config(const Config& config) {
  gateway::WebServiceConfig c;
  const HttpConfig& http = config.http;
  c.server.listen.push_back({http.listen.host, http.listen.port, false});
  if (http.tls_listen) c.server.listen.push_back({http.tls_listen->host, http.tls_listen->port, true});
  // "Same certificate rules as SIP": its own files, else SIP's, else self-signed.
  c.server.tls_certificate = http.tls_certificate.empty() ? config.sip.tls_certificate : http.tls_certificate;
  c.server.tls_private_key = http.tls_private_key.empty() ? config.sip.tls_private_key : http.tls_private_key;
  c.server.app_dir = resolve_app_dir(http);
  c.server.allowed_origins = http.allowed_origins;
  c.server.max_connections = http.max_connections;
  c.server.max_body_bytes = http.max_body_size;
  c.api.idle_timeout = std::chrono::seconds(http.session_idle_timeout);
  c.api.max_age = std::chrono::seconds(http.session_max_age);
  return c;
}

}  // namespace

int serve(const Config& config, const std::filesystem::path& data_dir, bool demo) {
  log::set_level(config.log.level);
  auto log = log::get("app");
  try {
    std::filesystem::create_directories(data_dir);
    auto store = store::sqlite::open_sqlite_store(resolve_store_path(config, data_dir));
    if (demo) std::cout << ensure_demo_community(*store, config) << std::flush;
    auto directory = store->load_directory();
    if (!directory) throw std::runtime_error("store: " + directory.error().message);
    auto registrations = store->registrations().load_all();
    if (!registrations) throw std::runtime_error("store: " + registrations.error().message);
    auto chat_snapshot = gateway::load_chat_snapshot(*store);
    if (!chat_snapshot) throw std::runtime_error("store: " + chat_snapshot.error().message);

    boost::asio::io_context core(1);
    gateway::StoreWorker store_worker(std::move(store));
    gateway::SipService sip(core, sip_service_config(config), store_worker);
    auto web_config = web_service_config(config);
    if (web_config.server.app_dir.empty()) {
      log->warn("event=no-browser-app hint=\"run make build (or set http.app_dir) to serve the web app\"");
    }
    gateway::RoomCache rooms;
    rooms.load(*chat_snapshot);
    gateway::PresenceService presence(core, sip, rooms);
    gateway::ChatService chat(core, sip, store_worker, rooms, presence, chat_limits(config.chat));
    chat.set_queued_identities(std::move(chat_snapshot->queued_identities));
    chat.follow_outside_changes();
    // Presence first: an INVITE or a SUBSCRIBE is its; MESSAGEs are chat's.
    sip.attach(&presence);
    sip.attach(&chat);
    gateway::WebService web(core, std::move(web_config), sip, store_worker, presence, chat);
    auto started = sip.start(*directory, *registrations);
    if (!started) throw std::runtime_error("sip: " + started.error());
    presence.start();
    auto web_started = web.start();
    if (!web_started) throw std::runtime_error("http: " + web_started.error());

    boost::asio::signal_set signals(core, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      log->info("event=shutdown signal={}", signo);
      web.stop();
      chat.stop();
      presence.stop();
      sip.stop();
      core.stop();
    });
    std::string listening;
    for (const auto& l : sip.listening()) listening += (listening.empty() ? "" : ",") + l;
    std::string http;
    for (const auto& e : web.endpoints()) http += (http.empty() ? "" : ",") + e;
    log->info("event=ready domain={} sip={} http={} users={} data={} allocator=\"{}\"",
              config.sip.domain, listening, http, directory->users.size(), data_dir.string(),
              allocator_in_use());
    core.run();
    // Every registration write queued by the core reaches the database
    // before the process ends.
    store_worker.stop();
    log->info("event=stopped");
    return 0;
  } catch (const std::exception& e) {
    log->critical("event=start-failed error=\"{}\"", e.what());
    std::cerr << "parley: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace parley::app
