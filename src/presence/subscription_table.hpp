// The notifier for the `presence` event package (RFC 6665, RFC 3856): accepts
// SUBSCRIBEs, keeps one Subscription per dialog and event id, and produces
// the NOTIFYs to send when a subscription starts, is refreshed, ends, or its
// presentity's state changes. Sans-I/O: messages, `now` and events in;
// responses and NOTIFY requests (with the flow to send them on) out. Owned by
// the gateway. Thread: core.
//
// Choices (see README.md):
//  - An unauthorized watcher gets 403 (RFC 6665 §4.2.1.2 allows a refusal or
//    a pending state; Parley's rule, shared room or buddy, is known at once,
//    so there is nothing to wait for). A user may always watch itself.
//  - 200, never 202 (RFC 6665 §8.3.1 deprecates 202).
//  - Expires 0 on a new SUBSCRIBE is a fetch: 200, one NOTIFY with
//    terminated;reason=timeout, nothing kept (RFC 6665 §4.4.3).
//  - One NOTIFY in flight per subscription: state changes while one awaits
//    its response are coalesced into one NOTIFY with the latest state when the
//    response arrives. So the caller MUST report every NOTIFY's final response
//    or timeout with on_notify_response(); it is also the NOTIFY rate limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.hpp"
#include "presence/presence_state.hpp"
#include "presence/subscription.hpp"
#include "presence/token_source.hpp"
#include "sip/message/message.hpp"

namespace parley::presence {

// What the notifier asks the rest of Parley. Implemented by the gateway
// (directory, rooms, buddies, the Aggregator).
class PresenceDirectory {
 public:
  virtual ~PresenceDirectory() = default;
  virtual bool user_exists(std::string_view user) const = 0;
  // Members of a shared room, and buddies the presentity added.
  virtual bool may_watch(std::string_view watcher, std::string_view presentity) const = 0;
  virtual PresenceState state_of(std::string_view user) const = 0;
};

struct SubscriptionConfig {
  std::string domain = "localhost";  // PIDF entity is sip:<user>@<domain>
  sip::NameAddr contact;             // our Contact, in 200s and NOTIFYs
  std::uint32_t min_expires = 60;    // shorter → 423 with Min-Expires
  std::uint32_t max_expires = 3600;  // longer is granted as this
  std::uint32_t default_expires = 3600;  // RFC 3856 §6.4
  std::size_t max_per_watcher = 500;     // more → 403
  std::size_t max_per_presentity = 2000; // more → 403
  std::size_t max_total = 200000;        // more → 503
  std::uint32_t max_forwards = 70;
  std::uint64_t seed = 0;                // TokenSource seed for our tags; 0 = random
};

struct SubscribeContext {
  // The authenticated account; when empty (authentication off) the From
  // user is the watcher.
  std::string_view watcher;
  Flow flow;  // where the SUBSCRIBE came from
};

struct OutgoingNotify {
  SubscriptionId id;
  Flow flow;
  sip::Message request;
};

struct SubscribeResult {
  sip::Message response;
  std::optional<OutgoingNotify> notify;  // send after the response
};

enum class EndReason { Timeout, Rejected, Noresource, Deactivated };

class SubscriptionTable {
 public:
  SubscriptionTable(SubscriptionConfig config, const PresenceDirectory& directory);

  // Any SUBSCRIBE whose Request-URI is a local user (the caller resolved the
  // domain and authenticated the sender).
  SubscribeResult handle_subscribe(const sip::Message& request, const SubscribeContext& ctx,
                                   TimePoint now);

  // The presentity's aggregate changed: a NOTIFY per watcher, except those
  // with one in flight (they get the latest state when it is answered).
  std::vector<OutgoingNotify> on_presence_changed(std::string_view presentity, TimePoint now);

  // The final response to one of our NOTIFYs (408 for a transaction
  // timeout). RFC 6665 §4.2.2: 481, 408 and the other dialog-ending answers
  // of RFC 5057 remove the subscription; a 2xx may release a coalesced NOTIFY.
  std::optional<OutgoingNotify> on_notify_response(SubscriptionId id, int status, TimePoint now);

  // Ends subscriptions whose time is up, each with a terminated;reason=timeout
  // NOTIFY. Call about once a second.
  std::vector<OutgoingNotify> expire(TimePoint now);

  // A connection closed: its subscriptions are dropped without NOTIFY (there
  // is no way to send one). Returns how many.
  std::size_t remove_flow(std::uint64_t flow_id);

  // Authorization may have changed (left a room, buddy removed): watchers no
  // longer allowed get terminated;reason=rejected.
  std::vector<OutgoingNotify> recheck(std::string_view presentity, TimePoint now);
  // The presentity is gone (account deleted): terminated;reason=noresource.
  std::vector<OutgoingNotify> remove_presentity(std::string_view presentity, TimePoint now);

  std::size_t size() const { return subs_.size(); }
  std::size_t count_for_watcher(std::string_view watcher) const;
  std::size_t count_for_presentity(std::string_view presentity) const;
  const Subscription* find(SubscriptionId id) const;
  const SubscriptionConfig& config() const { return config_; }

 private:
  struct Check {
    TimePoint at;
    SubscriptionId id;
    bool operator>(const Check& o) const { return at > o.at; }
  };

  SubscribeResult refuse(const sip::Message& req, int status, std::string_view reason = {});
  SubscribeResult refresh(const sip::Message& req, const SubscribeContext& ctx,
                          std::uint32_t expires, TimePoint now);
  SubscribeResult create(const sip::Message& req, const SubscribeContext& ctx,
                         std::uint32_t expires, TimePoint now);
  sip::Message ok(const sip::Message& req, const Subscription& sub, std::uint32_t expires) const;
  OutgoingNotify notify(Subscription& sub, std::string_view state, TimePoint now);
  OutgoingNotify end(SubscriptionId id, EndReason reason, TimePoint now);
  std::optional<std::uint32_t> granted_expires(const sip::Message& req) const;
  void insert(Subscription sub);
  void erase(SubscriptionId id);
  void unindex_flow(const Subscription& sub);
  std::vector<SubscriptionId> of_presentity(std::string_view presentity) const;
  static std::string dialog_key(std::string_view call_id, std::string_view local_tag,
                                std::string_view remote_tag, std::string_view event_id);

  SubscriptionConfig config_;
  const PresenceDirectory& directory_;
  TokenSource tokens_;
  std::unordered_map<SubscriptionId, Subscription> subs_;
  std::unordered_map<std::string, SubscriptionId> by_dialog_;
  std::unordered_map<std::string, std::vector<SubscriptionId>> by_presentity_;
  std::unordered_map<std::string, std::size_t> per_watcher_;
  std::unordered_map<std::uint64_t, std::vector<SubscriptionId>> by_flow_;
  std::priority_queue<Check, std::vector<Check>, std::greater<>> checks_;  // lazy
  std::uint64_t next_id_ = 0;
};

}  // namespace parley::presence
