// One bound UDP socket of the SIP transport (RFC 3261 §18). Receives in
// batches (recvmmsg) after each readiness wait, into buffers allocated once,
// and sends either at once or, inside a receive batch, queued and flushed
// with one sendmmsg at the batch's end. Internal to sip/transport; owned by
// the TransportLayer (shared_ptr, kept alive by its pending waits).
// Thread: core. Linux only (recvmmsg/sendmmsg).
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "sip/transport/transport_types.hpp"

namespace parley::sip::transport {

class UdpSocket : public std::enable_shared_from_this<UdpSocket> {
 public:
  class Host {
   public:
    virtual ~Host() = default;
    // Around each received batch: sends issued in between may be deferred
    // to on_batch_end, which must call flush() on the sockets it deferred to.
    virtual void on_batch_begin() = 0;
    virtual void on_batch_end() = 0;
    // `bytes` is valid during the call only. A datagram longer than the
    // buffer (max datagram + 1) arrives cut to the buffer's size.
    virtual void on_datagram(std::size_t listener, std::string_view bytes,
                             const boost::asio::ip::udp::endpoint& from) = 0;
    // datagrams_out, bytes_out, udp_send_drops, send_failures.
    virtual TransportCounters& counters() = 0;
  };

  // Binds; throws boost::system::system_error when the address is unusable.
  // `max_datagram`: bigger datagrams are delivered cut to max_datagram + 1
  // bytes, so the host still sees they are too large.
  UdpSocket(boost::asio::io_context& io, const boost::asio::ip::udp::endpoint& bind,
            int buffer_bytes, std::size_t max_datagram, Host& host, std::size_t listener);
  virtual ~UdpSocket() = default;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  void start();
  // Hands the datagram to the kernel now, or queues it when `defer` is set
  // or earlier datagrams still wait for the socket to become writable.
  // False when it was neither sent nor queued (closed, error, queue full).
  bool send_to(std::string_view bytes, const boost::asio::ip::udp::endpoint& to, bool defer);
  // Sends what is queued (sendmmsg); on EAGAIN waits until writable.
  void flush();
  bool has_queued() const { return head_ < out_.size(); }
  // Stops delivery; pending waits complete as aborted, queued bytes dropped.
  void close();
  boost::asio::ip::udp::endpoint local_endpoint() const { return local_; }

 protected:
  // The sendmmsg call; a seam so tests can make the kernel say EAGAIN.
  virtual int send_batch(mmsghdr* messages, unsigned count);

 private:
  struct Outgoing {
    std::size_t offset = 0;  // into out_bytes_
    std::size_t size = 0;
    boost::asio::ip::udp::endpoint to;
  };

  void arm();
  void drain();
  int receive_batch();
  void deliver_batch(int count);
  void wait_writable();
  void sent(std::size_t bytes);
  void failed();

  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint local_;
  Host* host_;
  std::size_t listener_;
  std::size_t slot_bytes_;
  std::size_t max_queued_bytes_;  // bound of the send queue (socket buffer size)
  // Receive batch: one buffer slot, address and header per datagram. The
  // slots are not zeroed, so pages no datagram reaches stay untouched.
  std::unique_ptr<char[]> in_bytes_;
  std::vector<boost::asio::ip::udp::endpoint> in_from_;
  std::vector<iovec> in_iov_;
  std::vector<mmsghdr> in_msgs_;
  // Send queue: payloads packed in one reused string, entries from head_ on.
  std::string out_bytes_;
  std::vector<Outgoing> out_;
  std::size_t head_ = 0;
  unsigned read_size_ = 1;  // datagrams asked of the next recvmmsg
  bool waiting_write_ = false;
};

}  // namespace parley::sip::transport
