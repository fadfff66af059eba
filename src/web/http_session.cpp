// One HTTP/1.1 connection of the web server (plain or TLS): keep-alive
// request loop with header/body limits, the idle and whole-request timers
// (slowloris), routing to the WebHandler, static files or the WebSocket
// upgrade, and the error answers of protocol/api.md. Kept alive by its
// pending operations and the respond callbacks it hands out; the ServerCore
// holds a weak_ptr for stop(). Thread: core.
#include "web/http_session.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "web/server_core.hpp"
#include "web/ws_session.hpp"

namespace parley::web {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::size_t kFirstRead = 1024;
constexpr std::size_t kKeepBufferCapacity = 16 * 1024;
constexpr std::chrono::seconds kLinger{2};
constexpr std::string_view kCsp =
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; "
    "style-src 'self' 'unsafe-inline'; media-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'";

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool is_http_parse_error(const error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_method).category();
}

template <class Stream>
class HttpSession final : public Connection,
                          public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, PlainStream>;

  HttpSession(std::shared_ptr<ServerCore> core, Stream stream)
      : core_(std::move(core)), stream_(std::move(stream)), timer_(stream_.get_executor()) {}

  void start(bool refuse) {
    conn_id_ = core_->add_connection(this->weak_from_this(), !refuse);
    error_code ec;
    const auto remote = socket().remote_endpoint(ec);
    if (ec) {
      close_now("peer gone before start");
      return;
    }
    client_ip_ = remote.address().to_string();
    if (refuse) {
      keep_alive_ = false;
      reply(error_response(503, "unavailable", "too many connections"));
      return;
    }
    if constexpr (kTls) {
      state_ = State::Handshake;
      arm(core_->config.request_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](error_code hs_ec) {
                                if (self->state_ != State::Handshake) return;
                                if (hs_ec) {
                                  self->close_now("tls handshake failed: " + hs_ec.message());
                                } else {
                                  self->wait_request();
                                }
                              });
    } else {
      wait_request();
    }
  }

  void shutdown() override { close_now("server stopping"); }

 private:
  enum class State : std::uint8_t {
    Handshake, Idle, Reading, Waiting, Writing, Lingering, Closed, HandedOff
  };

  tcp::socket& socket() { return beast::get_lowest_layer(stream_); }

  // Between requests: the idle timeout runs until the first byte arrives.
  void wait_request() {
    state_ = State::Idle;
    if (buffer_.size() > 0) {
      read_request();
      return;
    }
    arm(core_->config.http_idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            [self = this->shared_from_this()](error_code ec, std::size_t n) {
                              if (self->state_ != State::Idle) return;
                              if (ec) {
                                self->close_now("closed by peer");
                                return;
                              }
                              self->buffer_.commit(n);
                              self->read_request();
                            });
  }

  // From the first byte on, the whole request must arrive within
  // request_timeout however slowly it trickles in (slowloris).
  void read_request() {
    state_ = State::Reading;
    arm(core_->config.request_timeout);
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(core_->config.max_header_bytes));
    parser_->body_limit(core_->config.max_body_bytes);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](error_code ec, std::size_t) {
                       if (self->state_ != State::Reading) return;
                       self->on_read(ec);
                     });
  }

  void on_read(error_code ec) {
    if (ec) {
      if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
        refuse_request(431, "too_large", "request header too large");
      } else if (ec == http::error::body_limit) {
        refuse_request(413, "too_large", "request body too large");
      } else if (is_http_parse_error(ec) && ec != http::error::end_of_stream &&
                 ec != http::error::partial_message) {
        refuse_request(400, "bad_request", "malformed HTTP request");
      } else {
        close_now("read: " + ec.message());
      }
      return;
    }
    ++core_->stats.requests;
    timer_.cancel();
    state_ = State::Waiting;
    const auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == http::verb::head;
    const std::string_view target(req.target().data(), req.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    if (path == "/api/v1/ws" && beast::websocket::is_upgrade(req)) {
      upgrade();
    } else if (path.starts_with("/api/") || path == "/metrics") {
      to_handler();
    } else {
      const std::string_view method(req.method_string().data(), req.method_string().size());
      log_request(method, path);
      reply(core_->files.serve(method, target));
    }
  }

  void refuse_request(int status, std::string_view code, std::string_view message) {
    ++core_->stats.bad_requests;
    core_->log->debug("event=bad_request remote={} status={} reason=\"{}\"", client_ip_, status,
                      message);
    keep_alive_ = false;
    head_ = false;
    reply(error_response(status, code, message));
  }

  void log_request(std::string_view method, std::string_view path) {
    // The path only: a query may carry signatures (the WebSocket's sig=).
    core_->log->debug("event=http_request remote={} method={} path={}", client_ip_, method, path);
  }

  HttpRequest to_request(BeastRequest& req, bool take_body) {
    HttpRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.headers.reserve(static_cast<std::size_t>(std::distance(req.begin(), req.end())));
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      }
      r.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    if (take_body) r.body = std::move(req.body());
    r.client_ip = client_ip_;
    r.tls = kTls;
    return r;
  }

  void to_handler() {
    BeastRequest req = parser_->release();
    parser_.reset();
    HttpRequest request = to_request(req, true);
    log_request(request.method, request.path());
    if (core_->handler == nullptr) {
      close_now("server gone");
      return;
    }
    // The callback may run now, later, or after this connection closed: it
    // keeps the object alive and answers only the request it belongs to.
    const std::uint64_t seq = ++request_seq_;
    core_->handler->on_request(std::move(request),
                               [self = this->shared_from_this(), seq](HttpResponse response) {
                                 if (self->state_ != State::Waiting || self->request_seq_ != seq) {
                                   return;
                                 }
                                 self->reply(std::move(response));
                               });
  }

  bool origin_allowed(const BeastRequest& req) const {
    const std::string_view origin(req[http::field::origin].data(), req[http::field::origin].size());
    if (origin.empty()) return false;
    std::string own = kTls ? "https://" : "http://";
    own += req[http::field::host];
    if (iequals(origin, own)) return true;
    for (const auto& allowed : core_->config.allowed_origins) {
      if (iequals(origin, allowed)) return true;
    }
    return false;
  }

  void upgrade() {
    BeastRequest req = parser_->release();
    parser_.reset();
    log_request("GET", "/api/v1/ws");
    if (!origin_allowed(req)) {
      core_->log->info("event=ws_refused remote={} reason=bad_origin", client_ip_);
      keep_alive_ = false;
      reply(error_response(403, "bad_origin", "WebSocket from a foreign or missing Origin"));
      return;
    }
    if (core_->handler == nullptr || core_->stopped) {
      close_now("server gone");
      return;
    }
    const WsId id(++core_->next_ws);
    std::optional<HttpResponse> refusal = core_->handler->on_upgrade(to_request(req, false), id);
    if (refusal) {
      keep_alive_ = false;
      reply(std::move(*refusal));
      return;
    }
    // The socket becomes the WebSocket's; this object is done.
    state_ = State::HandedOff;
    timer_.cancel();
    core_->remove_connection(conn_id_);
    start_ws_session<Stream>(core_, std::move(stream_), id, std::move(req), client_ip_);
  }

  void reply(HttpResponse r) {
    state_ = State::Writing;
    auto& res = response_.emplace();
    res.version(11);
    res.result(static_cast<unsigned>(r.status));
    res.set(http::field::server, "parley");
    res.set(http::field::content_type, r.content_type);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    res.set(http::field::x_frame_options, "DENY");
    res.set("Content-Security-Policy", kCsp);
    std::optional<std::string> head_length;
    for (auto& [name, value] : r.headers) {
      if (iequals(name, "content-length")) {
        head_length = std::move(value);
      } else {
        res.insert(name, value);
      }
    }
    res.keep_alive(keep_alive_ && !core_->stopped);
    if (head_) {
      res.set(http::field::content_length, head_length ? *head_length
                                                       : std::to_string(r.body.size()));
    } else {
      res.body() = std::move(r.body);
      res.prepare_payload();
    }
    core_->log->debug("event=http_response remote={} status={}", client_ip_, r.status);
    arm(core_->config.request_timeout);  // a client that does not read
    http::async_write(stream_, res, [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (self->state_ != State::Writing) return;
      self->on_written(ec);
    });
  }

  void on_written(error_code ec) {
    const bool keep = response_->keep_alive();
    response_.reset();
    if (ec) {
      close_now("write: " + ec.message());
    } else if (!keep) {
      linger();
    } else {
      if (buffer_.capacity() > kKeepBufferCapacity && buffer_.size() == 0) buffer_.shrink_to_fit();
      wait_request();
    }
  }

  // Closing right away with unread request bytes would make the kernel send
  // a reset that can destroy the answer in flight: half-close, then discard
  // what the client still sends until it closes (or a short timer).
  void linger() {
    if constexpr (kTls) {
      close_now("done");
    } else {
      state_ = State::Lingering;
      error_code ignored;
      socket().shutdown(tcp::socket::shutdown_send, ignored);
      arm(kLinger);
      drain();
    }
  }

  void drain() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(512),
                            [self = this->shared_from_this()](error_code ec, std::size_t) {
                              if (self->state_ != State::Lingering) return;
                              if (ec) {
                                self->close_now("done");
                              } else {
                                self->drain();
                              }
                            });
  }

  void arm(std::chrono::seconds after) {
    timer_.expires_after(after);
    timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (ec || self->state_ == State::Closed || self->state_ == State::HandedOff) return;
      if (self->timer_.expiry() > std::chrono::steady_clock::now()) return;
      self->close_now("timeout");
    });
  }

  void close_now(const std::string& why) {
    if (state_ == State::Closed || state_ == State::HandedOff) return;
    const bool was_waiting = state_ == State::Waiting;
    state_ = State::Closed;
    timer_.cancel();
    error_code ignored;
    socket().close(ignored);
    parser_.reset();
    buffer_ = beast::flat_buffer();
    core_->remove_connection(conn_id_);
    core_->log->debug("event=http_closed remote={} reason=\"{}\" pending_answer={}", client_ip_,
                      why, was_waiting);
  }

  std::shared_ptr<ServerCore> core_;
  Stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;  // being written
  std::string client_ip_;
  std::uint64_t conn_id_ = 0;
  std::uint64_t request_seq_ = 0;  // which respond() answers the current request
  State state_ = State::Idle;
  bool keep_alive_ = true;
  bool head_ = false;
};

}  // namespace

void start_http_session(std::shared_ptr<ServerCore> core, tcp::socket socket,
                        asio::ssl::context* tls, bool refuse) {
  if (tls != nullptr) {
    if (refuse) {
      // No 503 without a TLS handshake, which is what we cannot afford now.
      error_code ignored;
      socket.close(ignored);
      return;
    }
    std::make_shared<HttpSession<TlsStream>>(std::move(core), TlsStream(std::move(socket), *tls))
        ->start(false);
  } else {
    std::make_shared<HttpSession<PlainStream>>(std::move(core), std::move(socket))->start(refuse);
  }
}

}  // namespace parley::web
