#include "sip/transport/udp_socket.hpp"

#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>

namespace parley::sip::transport {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {
// Datagrams per recvmmsg/sendmmsg call. Under load (SIPp at 30,000/s) a
// wakeup finds a few to a few dozen datagrams queued; one syscall for all of
// them instead of one recvfrom (plus a final EAGAIN) each is the point.
constexpr unsigned kBatch = 32;
// Datagrams per readiness wakeup before yielding to other handlers (timers,
// TCP), as the recvfrom loop before; and a bound on reads, errors included.
constexpr int kDrainBudget = 256;
constexpr int kMaxReads = 32;
// The largest UDP payload plus one, so "too large" stays visible.
constexpr std::size_t kMaxSlot = 65536;

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK; }
}  // namespace

UdpSocket::UdpSocket(asio::io_context& io, const udp::endpoint& bind, int buffer_bytes,
                     std::size_t max_datagram, Host& host, std::size_t listener)
    : socket_(io, bind.protocol()),
      host_(&host),
      listener_(listener),
      slot_bytes_(std::min(max_datagram + 1, kMaxSlot)),
      max_queued_bytes_(static_cast<std::size_t>(std::max(buffer_bytes, 1 << 16))),
      in_bytes_(new char[slot_bytes_ * kBatch]),
      in_from_(kBatch),
      in_iov_(kBatch),
      in_msgs_(kBatch) {
  // Large kernel buffers absorb bursts while the core thread is busy; the
  // kernel may clamp them (net.core.rmem_max), which is not an error.
  boost::system::error_code ignored;
  socket_.set_option(asio::socket_base::receive_buffer_size(buffer_bytes), ignored);
  socket_.set_option(asio::socket_base::send_buffer_size(buffer_bytes), ignored);
  socket_.bind(bind);
  socket_.non_blocking(true);
  local_ = socket_.local_endpoint();
  // The headers point into the slots once; receive_batch() only resets the
  // value-result lengths.
  for (unsigned i = 0; i < kBatch; ++i) {
    in_iov_[i] = iovec{in_bytes_.get() + i * slot_bytes_, slot_bytes_};
    in_msgs_[i] = mmsghdr{};
    in_msgs_[i].msg_hdr.msg_iov = &in_iov_[i];
    in_msgs_[i].msg_hdr.msg_iovlen = 1;
    in_msgs_[i].msg_hdr.msg_name = in_from_[i].data();
  }
}

void UdpSocket::start() { arm(); }

void UdpSocket::arm() {
  socket_.async_wait(udp::socket::wait_read,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       if (ec || self->host_ == nullptr) return;
                       self->drain();
                     });
}

void UdpSocket::drain() {
  // Readiness plus non-blocking batch reads: no handler allocation and one
  // syscall per batch, not per datagram.
  int budget = kDrainBudget;
  for (int reads = 0; reads < kMaxReads; ++reads) {
    const int n = receive_batch();
    if (n < 0) {
      if (would_block(-n)) {
        arm();
        return;
      }
      // ICMP errors from earlier sends surface here (ECONNREFUSED); EINTR.
      // The socket stays usable.
      if (!socket_.is_open()) return;
      continue;
    }
    deliver_batch(n);
    if (host_ == nullptr) return;  // closed from a callback
    // Even after a short batch, read again rather than wait: while this one
    // was handled the next requests have often arrived (a client answers
    // our reply at once), and one more read is cheaper than re-arming the
    // reactor (epoll_ctl + epoll_wait).
    budget -= n;
    if (budget <= 0) break;
  }
  // Budget spent with datagrams likely still queued: let whatever else is
  // ready (timers, TCP) run, then come back through the handler queue. A
  // readiness wait would work too (Asio re-arms it with EPOLL_CTL_MOD,
  // which reports data already queued) but costs two syscalls.
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    if (self->host_ != nullptr) self->drain();
  });
}

// Returns the number of datagrams read or -errno.
int UdpSocket::receive_batch() {
  // Ask for twice what the last read got (1..kBatch): a trickle costs small
  // reads (fewer headers to reset and for the kernel to copy in), a burst
  // reaches full batches within a few reads.
  const unsigned want = read_size_;
  for (unsigned i = 0; i < want; ++i) {
    in_msgs_[i].msg_hdr.msg_namelen = static_cast<socklen_t>(in_from_[i].capacity());
    in_msgs_[i].msg_hdr.msg_flags = 0;
  }
  const int n = ::recvmmsg(socket_.native_handle(), in_msgs_.data(), want, MSG_DONTWAIT, nullptr);
  if (n < 0) return -errno;
  read_size_ = std::clamp(2 * static_cast<unsigned>(n), 1U, kBatch);
  return n;
}

void UdpSocket::deliver_batch(int count) {
  // Replies the host sends while handling the batch go out together at
  // on_batch_end (one sendmmsg), no later than the end of this batch.
  Host* host = host_;
  host->on_batch_begin();
  for (int i = 0; i < count && host_ != nullptr; ++i) {
    const msghdr& h = in_msgs_[static_cast<std::size_t>(i)].msg_hdr;
    udp::endpoint& from = in_from_[static_cast<std::size_t>(i)];
    from.resize(h.msg_namelen);
    const std::size_t n = in_msgs_[static_cast<std::size_t>(i)].msg_len;
    host->on_datagram(listener_, std::string_view(static_cast<const char*>(h.msg_iov->iov_base), n),
                      from);
  }
  host->on_batch_end();
}

bool UdpSocket::send_to(std::string_view bytes, const udp::endpoint& to, bool defer) {
  if (host_ == nullptr) return false;
  if (!defer && !has_queued()) {
    const auto n = ::sendto(socket_.native_handle(), bytes.data(), bytes.size(), MSG_DONTWAIT,
                            to.data(), static_cast<socklen_t>(to.size()));
    if (n >= 0) {
      sent(bytes.size());
      return true;
    }
    if (!would_block(errno)) {
      failed();
      return false;
    }
    // EAGAIN: queue it and wait until the socket is writable.
  }
  if (out_bytes_.size() + bytes.size() > max_queued_bytes_) {
    failed();
    return false;
  }
  out_.push_back(Outgoing{out_bytes_.size(), bytes.size(), to});
  out_bytes_.append(bytes);
  // A long burst (timers after an overload) leaves a full batch at a time.
  if (!defer || out_.size() - head_ >= kBatch) flush();
  return true;
}

void UdpSocket::flush() {
  while (has_queued() && !waiting_write_ && host_ != nullptr) {
    std::array<mmsghdr, kBatch> msgs{};
    std::array<iovec, kBatch> iov{};
    const auto count = static_cast<unsigned>(std::min<std::size_t>(kBatch, out_.size() - head_));
    for (unsigned i = 0; i < count; ++i) {
      Outgoing& o = out_[head_ + i];
      iov[i] = iovec{out_bytes_.data() + o.offset, o.size};
      msgs[i].msg_hdr.msg_name = o.to.data();
      msgs[i].msg_hdr.msg_namelen = static_cast<socklen_t>(o.to.size());
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const int n = send_batch(msgs.data(), count);
    if (n > 0) {
      for (int i = 0; i < n; ++i) sent(out_[head_ + static_cast<std::size_t>(i)].size);
      head_ += static_cast<std::size_t>(n);
      continue;
    }
    const int error = n == 0 ? EAGAIN : errno;
    if (would_block(error)) {
      wait_writable();
      return;
    }
    if (error == EINTR) continue;
    // sendmmsg reports an error of the first datagram only; it alone is
    // lost (counted, as a failed sendto was), the rest are tried again.
    failed();
    ++head_;
  }
  if (!has_queued()) {
    out_.clear();
    out_bytes_.clear();
    head_ = 0;
  }
}

int UdpSocket::send_batch(mmsghdr* messages, unsigned count) {
  // A lone datagram (a quiet moment: one request per wakeup) goes by sendto,
  // which costs the kernel less than sendmmsg's header copies.
  if (count == 1) {
    const msghdr& h = messages[0].msg_hdr;
    const auto n = ::sendto(socket_.native_handle(), h.msg_iov->iov_base, h.msg_iov->iov_len,
                            MSG_DONTWAIT, static_cast<const sockaddr*>(h.msg_name), h.msg_namelen);
    return n < 0 ? -1 : 1;
  }
  return ::sendmmsg(socket_.native_handle(), messages, count, MSG_DONTWAIT);
}

void UdpSocket::wait_writable() {
  waiting_write_ = true;
  socket_.async_wait(udp::socket::wait_write,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       self->waiting_write_ = false;
                       if (ec || self->host_ == nullptr) return;
                       self->flush();
                     });
}

void UdpSocket::sent(std::size_t bytes) {
  TransportCounters& c = host_->counters();
  ++c.datagrams_out;
  c.bytes_out += bytes;
}

void UdpSocket::failed() {
  TransportCounters& c = host_->counters();
  ++c.udp_send_drops;
  ++c.send_failures;
}

void UdpSocket::close() {
  host_ = nullptr;
  out_.clear();
  out_bytes_.clear();
  head_ = 0;
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace parley::sip::transport
