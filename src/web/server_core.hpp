// What the web server's connections share (private to src/web): the config,
// the handler, the counters and the tables of live connections that stop()
// and WsSender::send/close look things up in. Owned by WebServer (shared_ptr:
// connections keep it alive until their last handler ran, so a connection
// never touches a freed server). No Beast here. Thread: core.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include <spdlog/logger.h>

#include "web/static_files.hpp"
#include "web/web_server.hpp"

namespace boost::asio {
class io_context;
}

namespace parley::web {

// A connection as stop() sees it: close it now, whatever it is doing.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual void shutdown() = 0;
};

// An accepted WebSocket as WsSender sees it.
class WsLink : public Connection {
 public:
  virtual bool send(std::string text) = 0;
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

struct ServerCore {
  ServerCore(boost::asio::io_context& io_context, WebServerConfig cfg, WebHandler& h);

  // A connection id for the tables below (never reused). `counted`: it counts
  // against max_connections (a connection being refused does not).
  std::uint64_t add_connection(std::weak_ptr<Connection> c, bool counted);
  void remove_connection(std::uint64_t id);
  // Called by a WebSocket once it is gone: drops it from the tables and tells
  // the handler (at most once per id; not after the server was destroyed).
  void ws_finished(WsId id, std::uint64_t connection_id);

  boost::asio::io_context& io;
  WebServerConfig config;
  WebHandler* handler;  // nulled by ~WebServer: late events are dropped
  StaticFiles files;
  std::shared_ptr<spdlog::logger> log;
  WebServerStats stats;
  bool stopped = false;

  std::uint64_t next_connection = 0;
  std::uint64_t next_ws = 0;
  struct Entry {
    std::weak_ptr<Connection> connection;
    bool counted = false;
  };
  std::unordered_map<std::uint64_t, Entry> connections;
  std::unordered_map<WsId, std::weak_ptr<WsLink>> websockets;
};

}  // namespace parley::web
