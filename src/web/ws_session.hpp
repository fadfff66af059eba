// Private to src/web: hands an HTTP connection whose WebSocket upgrade the
// handler accepted over to a WebSocket session (ws_session.cpp), which then
// lives on its own (kept alive by its pending operations) and reports to the
// ServerCore. Thread: core.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "web/http_types.hpp"

namespace parley::web {

struct ServerCore;

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using PlainStream = boost::asio::ip::tcp::socket;
using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

// Completes the handshake of `request` on `stream`, then on_ws_open. Whatever
// happens, the handler hears on_ws_closed(id) exactly once afterwards.
template <class Stream>
void start_ws_session(std::shared_ptr<ServerCore> core, Stream stream, WsId id,
                      BeastRequest request, std::string client_ip);

extern template void start_ws_session<PlainStream>(std::shared_ptr<ServerCore>, PlainStream,
                                                   WsId, BeastRequest, std::string);
extern template void start_ws_session<TlsStream>(std::shared_ptr<ServerCore>, TlsStream, WsId,
                                                 BeastRequest, std::string);

}  // namespace parley::web
