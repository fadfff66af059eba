#include "sip/proxy/response_selector.hpp"

#include "base/strings.hpp"

namespace parley::sip {

// RFC 3261 §16.7 step 6: 6xx beats everything; otherwise the lowest class
// wins, with 4xx preferred over 5xx. Within a class, some codes carry more
// useful information to the caller than others, so they rank first.
int ResponseSelector::rank(int status) {
  if (status >= 600) return 0;
  if (status == 401 || status == 407) return 1;  // the caller can retry with credentials
  // Busy tells the caller more than "not here" from a stale contact (a phone
  // that is busy and a browser tab that is gone: the caller hears busy).
  if (status == 486) return 2;
  if (status == 480) return 3;
  if (status == 404) return 4;
  if (status >= 300 && status < 400) return 5;
  if (status >= 400 && status < 500) return 6;
  if (status == 503) return 8;  // §16.7: 503 is never forwarded as such
  return 7;
}

void ResponseSelector::add(const Message& response) {
  for (const auto& h : response.headers) {
    if (iequals(h.name, "WWW-Authenticate") || iequals(h.name, "Proxy-Authenticate")) {
      challenges_.push_back(h);
    }
  }
  if (!best_ || rank(response.status_code) < rank(best_->status_code) ||
      (rank(response.status_code) == rank(best_->status_code) &&
       response.status_code < best_->status_code)) {
    best_ = response;
  }
}

void ResponseSelector::add_synthetic(int status) {
  if (synthetic_ == 0 || status < synthetic_) synthetic_ = status;
}

std::optional<Message> ResponseSelector::take_best() {
  if (!best_) return std::nullopt;
  Message out = std::move(*best_);
  best_.reset();
  if (out.status_code == 401 || out.status_code == 407) {
    out.remove_header("WWW-Authenticate");
    out.remove_header("Proxy-Authenticate");
    for (auto& h : challenges_) out.headers.push_back(std::move(h));
    challenges_.clear();
  }
  if (out.status_code == 503) {
    // RFC 3261 §16.7 step 6: a 503 from downstream becomes 500 upstream, or
    // the caller would think this proxy is overloaded.
    out.status_code = 500;
    out.reason = "Server Internal Error";
  }
  return out;
}

}  // namespace parley::sip
