// The requests Parley answers as a user agent instead of forking them
// (chatrooms, presence, stored messages, do-not-disturb), and the outcome of
// the requests it sends on its own (room deliveries, NOTIFY, messages queued
// for a device that came back). Implemented by the gateway. Thread: core.
#pragma once

#include "base/clock.hpp"
#include "sip/message/message.hpp"
#include "sip/transaction/transaction_action.hpp"

namespace parley::sip {

class LocalService {
 public:
  virtual ~LocalService() = default;
  // A request for our domain, after the sender check (its From is vouched
  // for, or it came from a trusted source). True when the service takes it:
  // it must then answer exactly once with Proxy::answer, or hand it to the
  // proxy's forking with Proxy::forward, now or later.
  virtual bool take(TransactionId txn, const Message& request, const Flow& from,
                    TimePoint now) = 0;
  // The final outcome of a request sent with Proxy::originate: the response,
  // or nullptr with 408 (no answer) or 503 (transport error).
  virtual void on_originated_response(TransactionId client, int status, const Message* response,
                                      TimePoint now) = 0;
};

}  // namespace parley::sip
