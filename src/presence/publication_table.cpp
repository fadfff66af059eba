#include "presence/publication_table.hpp"

#include <algorithm>

#include "base/strings.hpp"
#include "presence/event_header.hpp"
#include "presence/pidf.hpp"
#include "sip/message/response_builder.hpp"

namespace parley::presence {

PublicationTable::PublicationTable(PublicationConfig config)
    : config_(config), tokens_(config.seed) {}

std::size_t PublicationTable::count_for(std::string_view user) const {
  auto it = per_user_.find(std::string(user));
  return it == per_user_.end() ? 0 : it->second;
}

PublishResult PublicationTable::refuse(const sip::Message& req, int status, std::string_view reason) {
  PublishResult r;
  r.response = sip::make_response(req, status, reason);
  if (r.response.to.tag().empty()) r.response.to.params.set("tag", tokens_.next());
  switch (status) {
    case 489: r.response.add_header("Allow-Events", kPresenceEvent); break;
    case 415: r.response.add_header("Accept", kPidfContentType); break;
    case 423: r.response.add_header("Min-Expires", std::to_string(config_.min_expires)); break;
    default: break;
  }
  return r;
}

// RFC 3903 §6 step 5: too short is refused, too long is shortened.
std::optional<std::uint32_t> PublicationTable::granted_expires(const sip::Message& req) const {
  std::uint32_t asked = req.expires.value_or(config_.default_expires);
  if (asked == 0) return 0;
  if (asked < config_.min_expires) return std::nullopt;
  return std::min(asked, config_.max_expires);
}

PublishResult PublicationTable::handle_publish(const sip::Message& req, std::string_view user,
                                               TimePoint now) {
  // RFC 3903 §6 step 2: the event package.
  auto event = parse_event(req);
  if (!event || event->package != kPresenceEvent) return refuse(req, 489);
  // Step 4: which publication, if any.
  std::string device;
  if (auto if_match = req.header("SIP-If-Match")) {
    auto it = by_etag_.find(std::string(trim(*if_match)));
    if (it == by_etag_.end() || pubs_.at(it->second).user != user) return refuse(req, 412);
    device = it->second;
  } else if (req.body.empty()) {
    return refuse(req, 400, "Initial PUBLISH Needs A Body");
  }
  // Step 5: the interval.
  auto expires = granted_expires(req);
  if (!expires) return refuse(req, 423);
  if (*expires == 0) {
    if (device.empty()) return refuse(req, 400, "Expires 0 Without SIP-If-Match");
    return remove(req, device);
  }
  // Step 6: the body.
  std::optional<PresenceState> next;
  if (!req.body.empty()) {
    if (!is_pidf(req.content_type)) return refuse(req, 415);
    auto doc = decode_pidf(req.body, config_.pidf);
    if (!doc) return refuse(req, 400, "Bad PIDF Body");
    next = device_state(*doc);
  }
  if (device.empty()) {
    if (count_for(user) >= config_.max_per_user) return refuse(req, 403, "Too Many Publications");
    if (pubs_.size() >= config_.max_total) return refuse(req, 503);
    device = "pub-" + std::to_string(++next_device_);
    Publication pub;
    pub.user = std::string(user);
    pub.device = device;
    pubs_.emplace(device, std::move(pub));
    ++per_user_[std::string(user)];
    return accept(req, pubs_.at(device), std::move(next), *expires, now, true);
  }
  return accept(req, pubs_.at(device), std::move(next), *expires, now, false);
}

PublishResult PublicationTable::accept(const sip::Message& req, Publication& pub,
                                       std::optional<PresenceState> next, std::uint32_t expires,
                                       TimePoint now, bool created) {
  PublishResult r;
  if (next && (created || *next != pub.state)) {
    pub.state = std::move(*next);
    r.change = PublicationChange{pub.user, pub.device, pub.state};
  }
  // Step 7: a fresh entity tag on every success, so an old one cannot be replayed.
  if (!pub.etag.empty()) by_etag_.erase(pub.etag);
  pub.etag = tokens_.next();
  by_etag_[pub.etag] = pub.device;
  pub.expires_at = now + Seconds(expires);
  checks_.push(Check{pub.expires_at, pub.device});
  // Step 8.
  r.response = sip::make_response(req, 200);
  if (r.response.to.tag().empty()) r.response.to.params.set("tag", tokens_.next());
  r.response.add_header("SIP-ETag", pub.etag);
  r.response.expires = expires;
  return r;
}

PublishResult PublicationTable::remove(const sip::Message& req, const std::string& device) {
  PublishResult r;
  const Publication& pub = pubs_.at(device);
  r.change = PublicationChange{pub.user, pub.device, std::nullopt};
  forget(device);
  r.response = sip::make_response(req, 200);
  if (r.response.to.tag().empty()) r.response.to.params.set("tag", tokens_.next());
  r.response.expires = 0;
  return r;
}

void PublicationTable::forget(const std::string& device) {
  auto it = pubs_.find(device);
  if (it == pubs_.end()) return;
  by_etag_.erase(it->second.etag);
  auto count = per_user_.find(it->second.user);
  if (count != per_user_.end() && --count->second == 0) per_user_.erase(count);
  pubs_.erase(it);
}

std::vector<PublicationChange> PublicationTable::expire(TimePoint now) {
  std::vector<PublicationChange> out;
  while (!checks_.empty() && checks_.top().at <= now) {
    std::string device = checks_.top().device;
    checks_.pop();
    auto it = pubs_.find(device);
    // A refreshed publication left an older check behind; skip it.
    if (it == pubs_.end() || it->second.expires_at > now) continue;
    out.push_back(PublicationChange{it->second.user, device, std::nullopt});
    forget(device);
  }
  return out;
}

std::vector<PublicationChange> PublicationTable::remove_user(std::string_view user) {
  std::vector<std::string> devices;
  for (const auto& [device, pub] : pubs_) {
    if (pub.user == user) devices.push_back(device);
  }
  std::vector<PublicationChange> out;
  for (const auto& d : devices) {
    out.push_back(PublicationChange{std::string(user), d, std::nullopt});
    forget(d);
  }
  return out;
}

}  // namespace parley::presence
