// Cuts a SIP byte stream (TCP, TLS) into whole messages (RFC 3261 §18.3) and
// spots RFC 5626 §4.4.1 keepalive pings. Sans-I/O: feed bytes, pull frames.
// One per stream connection, owned by it. Thread: any (no shared state).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace parley::sip::transport {

struct FramerLimits {
  std::size_t max_header_bytes = 16384;   // start line + headers + blank line
  std::size_t max_message_bytes = 65535;  // headers + body
};

class StreamFramer {
 public:
  enum class Kind {
    NeedMore,  // no complete frame buffered yet
    Message,   // `bytes` is one whole message (headers and Content-Length body)
    Ping,      // CRLFCRLF keepalive: answer a single CRLF (RFC 5626 §4.4.1)
    Error,     // framing is lost: answer `status` if possible, then close
  };
  struct Frame {
    Kind kind = Kind::NeedMore;
    // For Message: the message; for Error: what was buffered (to build a response).
    // Valid until the next feed() or next() call.
    std::string_view bytes;
    int status = 0;               // Error only: 400 or 513
    std::string_view reason;      // Error only
    bool missing_content_length = false;  // Message only: parser will reject it (§18.3)
  };

  explicit StreamFramer(FramerLimits limits = {}) : limits_(limits) {}

  void feed(std::string_view data);
  // Returns the next frame; call until it says NeedMore. After an Error every
  // call returns the same Error (the connection is to be closed).
  Frame next();

  std::size_t buffered() const { return buf_.size() - start_; }

 private:
  struct HeaderScan {
    bool ok = true;
    bool has_length = false;
    std::size_t length = 0;
  };
  static HeaderScan scan_content_length(std::string_view headers);
  Frame fail(int status, std::string_view reason);
  void compact();

  FramerLimits limits_;
  std::string buf_;
  std::size_t start_ = 0;       // first byte not yet handed out
  std::size_t searched_ = 0;    // bytes after start_ already searched for CRLFCRLF
  bool failed_ = false;
  int fail_status_ = 0;
  std::string_view fail_reason_;
};

}  // namespace parley::sip::transport
