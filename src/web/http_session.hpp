// Private to src/web: starts the HTTP/1.1 connection (http_session.cpp) for an
// accepted socket. The connection lives on its own, kept alive by its pending
// operations and by the respond callbacks it hands out. Thread: core.
#pragma once

#include <memory>

#include <boost/asio/ip/tcp.hpp>

namespace boost::asio::ssl {
class context;
}

namespace parley::web {

struct ServerCore;

// `tls` null for a plain listener. `refuse`: over the connection limit, the
// socket only gets a 503 (plain) or is closed (TLS).
void start_http_session(std::shared_ptr<ServerCore> core, boost::asio::ip::tcp::socket socket,
                        boost::asio::ssl::context* tls, bool refuse);

}  // namespace parley::web
