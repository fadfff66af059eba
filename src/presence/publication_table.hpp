// The event state compositor for the `presence` event (RFC 3903): device
// publications with their entity tags and expiry. Sans-I/O: it takes a
// PUBLISH and `now`, returns the response to send and what changed for the
// Aggregator. Each publication has a stable `device` key for the Aggregator,
// while its SIP-ETag changes on every refresh (RFC 3903 §6 step 7). Owned by
// the gateway. Thread: core.
//
// The caller has already resolved the Request-URI to a local user and checked
// that the sender may publish for it (RFC 3903 §6 steps 1 and 3: 404, 403).
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
#include "presence/token_source.hpp"
#include "presence/xml_reader.hpp"
#include "sip/message/message.hpp"

namespace parley::presence {

struct PublicationConfig {
  std::uint32_t min_expires = 60;        // shorter → 423 with Min-Expires
  std::uint32_t max_expires = 7200;      // longer is granted as this
  std::uint32_t default_expires = 3600;  // no Expires header (RFC 3856 §6.4)
  std::size_t max_per_user = 8;          // more → 403 (one per device is plenty)
  std::size_t max_total = 100000;        // more → 503
  XmlLimits pidf;
  std::uint64_t seed = 0;                // TokenSource seed; 0 = random
};

struct PublicationChange {
  std::string user;
  std::string device;                  // stable key for Aggregator::set_published
  std::optional<PresenceState> state;  // nullopt: removed or expired
};

struct PublishResult {
  sip::Message response;
  std::optional<PublicationChange> change;  // only when the device's state changed or went away
};

class PublicationTable {
 public:
  explicit PublicationTable(PublicationConfig config = {});

  PublishResult handle_publish(const sip::Message& request, std::string_view user, TimePoint now);

  // Removes and returns the publications whose time is up. Call about once a second.
  std::vector<PublicationChange> expire(TimePoint now);
  // A user was deleted: drops its publications.
  std::vector<PublicationChange> remove_user(std::string_view user);

  std::size_t size() const { return pubs_.size(); }
  std::size_t count_for(std::string_view user) const;
  const PublicationConfig& config() const { return config_; }

 private:
  struct Publication {
    std::string user;
    std::string device;
    std::string etag;
    PresenceState state;
    TimePoint expires_at{};
  };
  struct Check {
    TimePoint at;
    std::string device;
    bool operator>(const Check& o) const { return at > o.at; }
  };

  PublishResult refuse(const sip::Message& req, int status, std::string_view reason = {});
  PublishResult accept(const sip::Message& req, Publication& pub, std::optional<PresenceState> next,
                       std::uint32_t expires, TimePoint now, bool created);
  PublishResult remove(const sip::Message& req, const std::string& device);
  std::optional<std::uint32_t> granted_expires(const sip::Message& req) const;
  void forget(const std::string& device);

  PublicationConfig config_;
  TokenSource tokens_;
  std::unordered_map<std::string, Publication> pubs_;      // device -> publication
  std::unordered_map<std::string, std::string> by_etag_;   // current etag -> device
  std::unordered_map<std::string, std::size_t> per_user_;
  std::priority_queue<Check, std::vector<Check>, std::greater<>> checks_;  // lazy: stale entries skipped
  std::uint64_t next_device_ = 0;
};

}  // namespace parley::presence
