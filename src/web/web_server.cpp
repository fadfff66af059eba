#include "web/web_server.hpp"

#include <exception>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <openssl/ssl.h>

#include "base/log.hpp"
#include "net/tls_context.hpp"
#include "web/http_session.hpp"
#include "web/server_core.hpp"

namespace parley::web {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

ServerCore::ServerCore(asio::io_context& io_context, WebServerConfig cfg, WebHandler& h)
    : io(io_context),
      config(std::move(cfg)),
      handler(&h),
      files(config.app_dir),
      log(log::get("web")) {}

std::uint64_t ServerCore::add_connection(std::weak_ptr<Connection> c, bool counted) {
  const std::uint64_t id = ++next_connection;
  connections.emplace(id, Entry{std::move(c), counted});
  if (counted) ++stats.connections;
  return id;
}

void ServerCore::remove_connection(std::uint64_t id) {
  const auto it = connections.find(id);
  if (it == connections.end()) return;
  if (it->second.counted) --stats.connections;
  connections.erase(it);
}

void ServerCore::ws_finished(WsId id, std::uint64_t connection_id) {
  remove_connection(connection_id);
  if (websockets.erase(id) == 0) return;  // already reported
  --stats.websockets;
  if (handler != nullptr) handler->on_ws_closed(id);
}

namespace {

// One listening socket; kept alive by its pending accept.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(std::shared_ptr<ServerCore> core, const tcp::endpoint& bind,
           std::shared_ptr<asio::ssl::context> tls)
      : core_(std::move(core)),
        acceptor_(core_->io),
        backoff_(core_->io),
        tls_(std::move(tls)) {
    acceptor_.open(bind.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(bind);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    local_ = acceptor_.local_endpoint();
  }

  void start() { accept_next(); }

  void close() {
    open_ = false;
    error_code ignored;
    acceptor_.close(ignored);
    backoff_.cancel();
  }

  std::string url() const {
    const auto addr = local_.address();
    const std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
    return (tls_ ? "https://" : "http://") + host + ":" + std::to_string(local_.port());
  }

 private:
  void accept_next() {
    acceptor_.async_accept([self = shared_from_this()](const error_code& ec, tcp::socket socket) {
      if (!self->open_) return;
      if (ec) {
        // Out of descriptors or a transient error: retry a little later
        // rather than spin on the failing accept.
        self->backoff_.expires_after(std::chrono::milliseconds(50));
        self->backoff_.async_wait([self](const error_code& wait_ec) {
          if (!wait_ec && self->open_) self->accept_next();
        });
        return;
      }
      self->on_accept(std::move(socket));
      self->accept_next();
    });
  }

  void on_accept(tcp::socket socket) {
    const bool refuse = core_->stats.connections >= core_->config.max_connections;
    if (refuse) {
      // Counted always, logged now and then: a flood must not flood the log.
      if (core_->stats.refused_connections++ % 1000 == 0) {
        core_->log->warn("event=connection_refused reason=max_connections limit={} refused={}",
                         core_->config.max_connections, core_->stats.refused_connections);
      }
    }
    // Frames are small and interactive: Nagle's wait for the peer's delayed
    // ACK put ~40 ms on an idle room's p99 (bench/RESULTS.md). Under load
    // the write queue batches frames itself (batch=1).
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    start_http_session(core_, std::move(socket), tls_.get(), refuse);
  }

  std::shared_ptr<ServerCore> core_;
  tcp::acceptor acceptor_;
  asio::steady_timer backoff_;
  std::shared_ptr<asio::ssl::context> tls_;
  tcp::endpoint local_;
  bool open_ = true;
};

}  // namespace

struct WebServer::Impl {
  std::shared_ptr<ServerCore> core;
  std::vector<std::shared_ptr<Listener>> listeners;
  std::shared_ptr<asio::ssl::context> tls;
};

WebServer::WebServer(asio::io_context& core, WebServerConfig config, WebHandler& handler)
    : impl_(std::make_shared<Impl>()) {
  impl_->core = std::make_shared<ServerCore>(core, std::move(config), handler);
}

WebServer::~WebServer() {
  stop();
  // Connections still finishing must not call into a handler that may go
  // away with us; the ones it was told about hear their end now.
  auto& core = *impl_->core;
  std::vector<WsId> open;
  open.reserve(core.websockets.size());
  for (const auto& [id, link] : core.websockets) open.push_back(id);
  core.websockets.clear();
  for (WsId id : open) core.handler->on_ws_closed(id);
  core.handler = nullptr;
}

Status<std::string> WebServer::start() {
  auto& core = *impl_->core;
  for (const auto& l : core.config.listen) {
    const std::string name = (l.tls ? "https " : "http ") + l.host + ":" + std::to_string(l.port);
    try {
      std::shared_ptr<asio::ssl::context> tls;
      if (l.tls) {
        if (!impl_->tls) {
          impl_->tls = net::make_server_context(core.config.tls_certificate,
                                                core.config.tls_private_key);
          // Idle TLS connections should not keep OpenSSL's record buffers.
          SSL_CTX_set_mode(impl_->tls->native_handle(), SSL_MODE_RELEASE_BUFFERS);
        }
        tls = impl_->tls;
      }
      const tcp::endpoint bind(asio::ip::make_address(l.host), l.port);
      auto listener = std::make_shared<Listener>(impl_->core, bind, tls);
      listener->start();
      core.log->info("event=listening url={}", listener->url());
      impl_->listeners.push_back(std::move(listener));
    } catch (const std::exception& e) {
      for (auto& started : impl_->listeners) started->close();
      impl_->listeners.clear();
      return fail("web listener " + name + ": " + e.what());
    }
  }
  return Ok{};
}

void WebServer::stop() {
  auto& core = *impl_->core;
  if (core.stopped) return;
  core.stopped = true;
  for (auto& l : impl_->listeners) l->close();
  // Copy first: shutting a connection down changes the table.
  std::vector<std::shared_ptr<Connection>> live;
  live.reserve(core.connections.size());
  for (auto& [id, entry] : core.connections) {
    if (auto c = entry.connection.lock()) live.push_back(std::move(c));
  }
  for (auto& c : live) c->shutdown();
  core.log->info("event=stopped connections={}", live.size());
}

std::vector<std::string> WebServer::endpoints() const {
  std::vector<std::string> out;
  for (const auto& l : impl_->listeners) out.push_back(l->url());
  return out;
}

bool WebServer::send(WsId id, std::string text) {
  const auto it = impl_->core->websockets.find(id);
  if (it == impl_->core->websockets.end()) return false;
  auto link = it->second.lock();
  return link && link->send(std::move(text));
}

void WebServer::close(WsId id, std::uint16_t code, std::string reason) {
  const auto it = impl_->core->websockets.find(id);
  if (it == impl_->core->websockets.end()) return;
  if (auto link = it->second.lock()) link->close(code, std::move(reason));
}

WebServerStats WebServer::stats() const { return impl_->core->stats; }

}  // namespace parley::web
