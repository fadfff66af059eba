// One accepted WebSocket (RFC 6455) of the web server: handshake, read loop
// delivering text messages to the handler, one write in flight with a
// bounded queue, keep-alive pings (Beast's idle timeout), close. Kept alive by
// its pending operations; the ServerCore only holds a weak_ptr. Thread: core.
#include "web/ws_session.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "web/server_core.hpp"

namespace parley::web {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using boost::system::error_code;

namespace {

// A read buffer that grew for a big message is given back afterwards: an idle
// socket should cost as little as possible (DESIGN: memory per session).
constexpr std::size_t kKeepReadCapacity = 2048;
constexpr std::chrono::seconds kStopCloseTimeout{2};
// A socket whose client asked for it (`batch=1` in the upgrade query) gets
// the frames queued behind a write in one WebSocket message, one per line
// (api.md): under fan-out load one write and one client wake-up carry many
// frames instead of one each.
constexpr std::size_t kMaxBatchBytes = 64 * 1024;

bool wants_batches(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return false;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    if (param == "batch=1") return true;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

template <class Stream>
class WsSession final : public WsLink, public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(std::shared_ptr<ServerCore> core, Stream stream, WsId id, BeastRequest request,
            std::string client_ip)
      : core_(std::move(core)),
        ws_(std::move(stream)),
        request_(std::make_unique<BeastRequest>(std::move(request))),
        client_ip_(std::move(client_ip)),
        id_(id) {}

  void start() {
    batch_ = wants_batches(std::string_view(request_->target().data(), request_->target().size()));
    conn_id_ = core_->add_connection(this->weak_from_this(), true);
    core_->websockets.emplace(id_, this->weak_from_this());
    ++core_->stats.websockets;
    const auto& cfg = core_->config;
    ws_.read_message_max(cfg.max_frame_bytes);
    ws_.auto_fragment(false);
    set_timeouts(cfg.request_timeout);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(beast::http::field::server, "parley");
    }));
    ws_.async_accept(*request_, [self = this->shared_from_this()](error_code ec) {
      self->on_accept(ec);
    });
  }

  bool send(std::string text) override {
    if (state_ == State::Closing || state_ == State::Done) return false;
    if (queued_bytes_ + text.size() > core_->config.max_send_queue_bytes) {
      // A reader this slow must not grow our memory; behind a stuck write a
      // close frame cannot get out either, so then the socket just goes.
      core_->log->info("event=ws_send_queue_full ws={} remote={} queued={}", id_.value(),
                       client_ip_, queued_bytes_);
      if (writing_) {
        hard_close();
      } else {
        begin_close(websocket::close_code::policy_error, "send queue full");
      }
      return false;
    }
    queued_bytes_ += text.size();
    queue_.push_back(std::move(text));
    write_next();
    return true;
  }

  void close(std::uint16_t code, std::string reason) override { begin_close(code, reason); }

  void shutdown() override {
    if (state_ == State::Accepting) {
      hard_close();
    } else if (state_ == State::Open) {
      // Peers that do not answer the close must not hold up the process exit.
      set_timeouts(kStopCloseTimeout);
      begin_close(websocket::close_code::going_away, "server going away");
    }
  }

 private:
  enum class State : std::uint8_t { Accepting, Open, Closing, Done };

  void set_timeouts(std::chrono::seconds handshake) {
    websocket::stream_base::timeout t{};
    t.handshake_timeout = handshake;
    // Beast pings after half the idle time without traffic and gives up
    // after the whole: a ping every interval, an interval to answer.
    t.idle_timeout = core_->config.ws_ping_interval * 2;
    t.keep_alive_pings = true;
    ws_.set_option(t);
  }

  void on_accept(error_code ec) {
    request_.reset();
    if (ec) {
      finish("handshake failed: " + ec.message());
      return;
    }
    if (state_ == State::Accepting) state_ = State::Open;
    core_->log->debug("event=ws_open ws={} remote={}", id_.value(), client_ip_);
    if (core_->handler != nullptr) core_->handler->on_ws_open(id_);
    if (pending_close_) {
      auto [code, reason] = std::move(*pending_close_);
      pending_close_.reset();
      state_ = State::Open;
      begin_close(code, std::move(reason));
    }
    if (state_ == State::Done) return;
    write_next();
    read_next();
  }

  void read_next() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(error_code ec) {
    if (state_ == State::Done) return;
    if (ec) {
      finish(ec == websocket::error::closed ? "closed" : ec.message());
      return;
    }
    if (!ws_.got_text()) {
      buffer_.clear();
      begin_close(websocket::close_code::unknown_data, "binary frames are not supported");
    } else {
      std::string text = beast::buffers_to_string(buffer_.data());
      buffer_.clear();
      if (buffer_.capacity() > kKeepReadCapacity) buffer_.shrink_to_fit();
      if (state_ == State::Open && core_->handler != nullptr) {
        core_->handler->on_ws_text(id_, std::move(text));
      }
    }
    // Even while closing: the read loop receives the peer's close frame.
    if (state_ != State::Done) read_next();
  }

  void write_next() {
    if (writing_ || state_ != State::Open || queue_head_ == queue_.size()) return;
    writing_ = true;
    // The frame being written lives outside the queue: the queue's vector
    // may reallocate (and move short strings) while the write is pending.
    in_flight_ = std::move(queue_[queue_head_++]);
    in_flight_bytes_ = in_flight_.size();
    while (batch_ && queue_head_ < queue_.size() &&
           in_flight_.size() + 1 + queue_[queue_head_].size() <= kMaxBatchBytes) {
      in_flight_bytes_ += queue_[queue_head_].size();
      in_flight_ += '\n';
      in_flight_ += queue_[queue_head_];
      std::string().swap(queue_[queue_head_++]);
    }
    if (queue_head_ == queue_.size()) {
      queue_.clear();
      queue_head_ = 0;
    } else if (queue_head_ >= 32 && queue_head_ * 2 >= queue_.size()) {
      // A queue that never drains must not keep its sent slots forever.
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_));
      queue_head_ = 0;
    }
    ws_.text(true);
    ws_.async_write(asio::buffer(in_flight_),
                    [self = this->shared_from_this()](error_code ec, std::size_t) {
                      self->on_written(ec);
                    });
  }

  void on_written(error_code ec) {
    writing_ = false;
    queued_bytes_ -= in_flight_bytes_;
    in_flight_bytes_ = 0;
    std::string().swap(in_flight_);
    if (ec) return;  // the read loop sees the failure and finishes
    if (queue_.empty() && queue_.capacity() > 8) std::vector<std::string>().swap(queue_);
    write_next();
  }

  void begin_close(std::uint16_t code, std::string reason) {
    if (state_ == State::Accepting) {
      if (!pending_close_) pending_close_.emplace(code, std::move(reason));
      return;
    }
    if (state_ != State::Open) return;
    state_ = State::Closing;
    core_->log->debug("event=ws_close ws={} remote={} code={} reason=\"{}\"", id_.value(),
                      client_ip_, code, reason);
    websocket::close_reason cr;
    cr.code = code;
    // RFC 6455 5.5: a control frame's payload (code + reason) is at most 125 bytes.
    cr.reason.assign(reason.data(), std::min(reason.size(), cr.reason.max_size()));
    ws_.async_close(cr, [self = this->shared_from_this()](error_code close_ec) {
      if (close_ec && self->state_ != State::Done) self->hard_close();
    });
  }

  void hard_close() {
    error_code ignored;
    beast::get_lowest_layer(ws_).close(ignored);
    if (state_ == State::Open) state_ = State::Closing;
  }

  void finish(const std::string& why) {
    if (state_ == State::Done) return;
    state_ = State::Done;
    error_code ignored;
    beast::get_lowest_layer(ws_).close(ignored);
    std::vector<std::string>().swap(queue_);
    queue_head_ = 0;
    buffer_ = beast::flat_buffer();
    core_->log->debug("event=ws_closed ws={} remote={} reason=\"{}\"", id_.value(), client_ip_,
                      why);
    core_->ws_finished(id_, conn_id_);
  }

  std::shared_ptr<ServerCore> core_;
  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
  std::unique_ptr<BeastRequest> request_;  // until the handshake is done
  std::vector<std::string> queue_;  // sent from queue_head_ on
  std::size_t queue_head_ = 0;
  std::string in_flight_;
  std::size_t queued_bytes_ = 0;  // queue_ and in_flight_
  std::size_t in_flight_bytes_ = 0;  // the frames in in_flight_, without separators
  bool batch_ = false;
  std::optional<std::pair<std::uint16_t, std::string>> pending_close_;
  std::string client_ip_;
  WsId id_;
  std::uint64_t conn_id_ = 0;
  State state_ = State::Accepting;
  bool writing_ = false;
};

}  // namespace

template <class Stream>
void start_ws_session(std::shared_ptr<ServerCore> core, Stream stream, WsId id,
                      BeastRequest request, std::string client_ip) {
  auto session = std::make_shared<WsSession<Stream>>(std::move(core), std::move(stream), id,
                                                     std::move(request), std::move(client_ip));
  session->start();
}

template void start_ws_session<PlainStream>(std::shared_ptr<ServerCore>, PlainStream, WsId,
                                            BeastRequest, std::string);
template void start_ws_session<TlsStream>(std::shared_ptr<ServerCore>, TlsStream, WsId,
                                          BeastRequest, std::string);

}  // namespace parley::web
