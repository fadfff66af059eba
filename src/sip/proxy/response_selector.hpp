// Chooses the response a forking proxy sends upstream when no branch
// succeeded (RFC 3261 §16.7 step 6), and aggregates authentication
// challenges (§16.7 step 7). Sans-I/O value type, one per forked request.
// Thread: core.
#pragma once

#include <optional>

#include "sip/message/message.hpp"

namespace parley::sip {

class ResponseSelector {
 public:
  // Records a final non-2xx response from one branch.
  void add(const Message& response);
  // A branch that timed out or failed to send counts as 408 / 503.
  void add_synthetic(int status);
  bool has_response() const { return best_.has_value() || synthetic_ != 0; }
  // True once a 6xx arrived: the proxy cancels the other branches (§16.7 step 5).
  bool global_failure() const { return best_ && best_->status_code >= 600; }
  // The response to forward, with the challenges of every 401/407 merged.
  // nullopt when only synthetic failures were seen; then `synthetic_status()`.
  std::optional<Message> take_best();
  int synthetic_status() const { return synthetic_ ? synthetic_ : 408; }

 private:
  static int rank(int status);
  std::optional<Message> best_;
  std::vector<Header> challenges_;
  int synthetic_ = 0;
};

}  // namespace parley::sip
