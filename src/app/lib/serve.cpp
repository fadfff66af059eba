// The composition root of `parley serve` (ARCHITECTURE.md "Threads and
// ownership"): opens the store, builds the SIP service on the core
// io_context, runs it on this thread until SIGINT/SIGTERM, then shuts down
// in order so nothing committed is lost.
#include "app/lib/serve.hpp"

#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "app/lib/demo.hpp"
#include "base/log.hpp"
#include "gateway/sip_service.hpp"
#include "gateway/store_worker.hpp"
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

    boost::asio::io_context core(1);
    gateway::StoreWorker store_worker(std::move(store));
    gateway::SipService sip(core, sip_service_config(config), store_worker);
    auto started = sip.start(*directory, *registrations);
    if (!started) throw std::runtime_error("sip: " + started.error());

    boost::asio::signal_set signals(core, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      log->info("event=shutdown signal={}", signo);
      sip.stop();
      core.stop();
    });
    std::string listening;
    for (const auto& l : sip.listening()) listening += (listening.empty() ? "" : ",") + l;
    log->info("event=ready domain={} sip={} users={} data={}", config.sip.domain, listening,
              directory->users.size(), data_dir.string());
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
