#include "presence/subscription_table.hpp"

#include <algorithm>

#include "presence/event_header.hpp"
#include "sip/message/response_builder.hpp"

namespace parley::presence {
namespace {

std::string_view reason_text(EndReason r) {
  switch (r) {
    case EndReason::Timeout: return "terminated;reason=timeout";
    case EndReason::Rejected: return "terminated;reason=rejected";
    case EndReason::Noresource: return "terminated;reason=noresource";
    case EndReason::Deactivated: return "terminated;reason=deactivated";
  }
  return "terminated";
}

// RFC 6665 §4.2.2 with RFC 5057 §5.1: NOTIFY answers that end the dialog usage.
bool ends_subscription(int status) {
  switch (status) {
    case 404: case 405: case 408: case 410: case 416: case 480: case 481: case 482:
    case 483: case 484: case 485: case 489: case 501: case 502: case 604:
      return true;
    default:
      return false;
  }
}

void drop(std::vector<SubscriptionId>& ids, SubscriptionId id) {
  std::erase(ids, id);
}

}  // namespace

SubscriptionTable::SubscriptionTable(SubscriptionConfig config, const PresenceDirectory& directory)
    : config_(std::move(config)), directory_(directory), tokens_(config_.seed) {}

std::string SubscriptionTable::dialog_key(std::string_view call_id, std::string_view local_tag,
                                          std::string_view remote_tag, std::string_view event_id) {
  std::string key;
  key.reserve(call_id.size() + local_tag.size() + remote_tag.size() + event_id.size() + 3);
  key.append(call_id).append(1, '\n').append(local_tag).append(1, '\n');
  key.append(remote_tag).append(1, '\n').append(event_id);
  return key;
}

std::size_t SubscriptionTable::count_for_watcher(std::string_view watcher) const {
  auto it = per_watcher_.find(std::string(watcher));
  return it == per_watcher_.end() ? 0 : it->second;
}

std::size_t SubscriptionTable::count_for_presentity(std::string_view presentity) const {
  auto it = by_presentity_.find(std::string(presentity));
  return it == by_presentity_.end() ? 0 : it->second.size();
}

const Subscription* SubscriptionTable::find(SubscriptionId id) const {
  auto it = subs_.find(id);
  return it == subs_.end() ? nullptr : &it->second;
}

SubscribeResult SubscriptionTable::refuse(const sip::Message& req, int status,
                                          std::string_view reason) {
  SubscribeResult r;
  r.response = sip::make_response(req, status, reason);
  if (r.response.to.tag().empty()) r.response.to.params.set("tag", tokens_.next());
  switch (status) {
    case 489: r.response.add_header("Allow-Events", kPresenceEvent); break;
    case 406: r.response.add_header("Accept", "application/pidf+xml"); break;
    case 423: r.response.add_header("Min-Expires", std::to_string(config_.min_expires)); break;
    default: break;
  }
  return r;
}

// RFC 6665 §4.2.1.1: too short is refused with 423, too long is shortened.
std::optional<std::uint32_t> SubscriptionTable::granted_expires(const sip::Message& req) const {
  std::uint32_t asked = req.expires.value_or(config_.default_expires);
  if (asked == 0) return 0;
  if (asked < config_.min_expires) return std::nullopt;
  return std::min(asked, config_.max_expires);
}

SubscribeResult SubscriptionTable::handle_subscribe(const sip::Message& req,
                                                    const SubscribeContext& ctx, TimePoint now) {
  auto event = parse_event(req);
  if (!event || event->package != kPresenceEvent) return refuse(req, 489);
  bool in_dialog = !req.to.tag().empty();
  if (!in_dialog && !directory_.user_exists(req.request_uri.user_unescaped())) {
    return refuse(req, 404);
  }
  if (!accepts_pidf(req)) return refuse(req, 406);
  auto expires = granted_expires(req);
  if (!expires) return refuse(req, 423);
  return in_dialog ? refresh(req, ctx, *expires, now) : create(req, ctx, *expires, now);
}

sip::Message SubscriptionTable::ok(const sip::Message& req, const Subscription& sub,
                                   std::uint32_t expires) const {
  sip::Message r = sip::make_response(req, 200);
  r.to = sub.local;  // carries our tag
  r.expires = expires;
  r.contacts.push_back(config_.contact);
  // RFC 3261 §12.1.1: the dialog-creating response echoes Record-Route.
  r.record_routes = req.record_routes;
  return r;
}

SubscribeResult SubscriptionTable::create(const sip::Message& req, const SubscribeContext& ctx,
                                          std::uint32_t expires, TimePoint now) {
  // RFC 6665 §4.1.2.1: a dialog-creating SUBSCRIBE carries one Contact.
  if (req.contacts.size() != 1 || req.contacts[0].wildcard) {
    return refuse(req, 400, "Missing Contact");
  }
  if (req.from.tag().empty()) return refuse(req, 400, "Missing From Tag");
  Subscription sub;
  sub.presentity = req.request_uri.user_unescaped();
  sub.watcher = ctx.watcher.empty() ? req.from.uri.user_unescaped() : std::string(ctx.watcher);
  if (sub.watcher != sub.presentity && !directory_.may_watch(sub.watcher, sub.presentity)) {
    return refuse(req, 403);
  }
  if (expires != 0) {
    if (count_for_watcher(sub.watcher) >= config_.max_per_watcher ||
        count_for_presentity(sub.presentity) >= config_.max_per_presentity) {
      return refuse(req, 403, "Too Many Subscriptions");
    }
    if (subs_.size() >= config_.max_total) return refuse(req, 503);
  }
  sub.id = SubscriptionId(++next_id_);
  sub.event_id = parse_event(req)->id;
  sub.call_id = req.call_id;
  sub.local = req.to;
  sub.local.params.set("tag", tokens_.next());
  sub.remote = req.from;
  sub.remote_target = req.contacts[0].uri;
  sub.route_set = req.record_routes;
  sub.remote_cseq = req.cseq.number;
  sub.expires_at = now + Seconds(expires);
  sub.flow = ctx.flow;
  SubscribeResult r;
  r.response = ok(req, sub, expires);
  if (expires == 0) {  // a fetch: one NOTIFY, nothing kept
    NotifyParams p{reason_text(EndReason::Timeout), "", &config_.contact, config_.max_forwards};
    std::string entity = "sip:" + sub.presentity + "@" + config_.domain;
    p.entity = entity;
    r.notify = OutgoingNotify{sub.id, sub.flow,
                              make_notify(sub, directory_.state_of(sub.presentity), p)};
    return r;
  }
  SubscriptionId id = sub.id;
  insert(std::move(sub));
  r.notify = notify(subs_.at(id), "", now);
  return r;
}

SubscribeResult SubscriptionTable::refresh(const sip::Message& req, const SubscribeContext& ctx,
                                           std::uint32_t expires, TimePoint now) {
  auto event = parse_event(req);
  auto key = dialog_key(req.call_id, req.to.tag(), req.from.tag(), event->id);
  auto found = by_dialog_.find(key);
  if (found == by_dialog_.end()) return refuse(req, 481);
  Subscription& sub = subs_.at(found->second);
  if (!ctx.watcher.empty() && ctx.watcher != sub.watcher) return refuse(req, 403);
  // RFC 3261 §12.2.2: an in-dialog request must not go back in CSeq.
  if (req.cseq.number <= sub.remote_cseq) return refuse(req, 500, "CSeq Out Of Order");
  sub.remote_cseq = req.cseq.number;
  // RFC 6665 §4.1.2.2: SUBSCRIBE refreshes the remote target.
  if (req.contacts.size() == 1 && !req.contacts[0].wildcard) sub.remote_target = req.contacts[0].uri;
  if (ctx.flow.flow_id != sub.flow.flow_id) {  // refreshed over another connection
    unindex_flow(sub);
    if (ctx.flow.flow_id != 0) by_flow_[ctx.flow.flow_id].push_back(sub.id);
  }
  sub.flow = ctx.flow;
  SubscribeResult r;
  r.response = ok(req, sub, expires);
  r.response.record_routes.clear();  // the route set is fixed at creation (§12.2)
  if (expires == 0) {
    r.notify = end(sub.id, EndReason::Timeout, now);
    return r;
  }
  sub.expires_at = now + Seconds(expires);
  checks_.push(Check{sub.expires_at, sub.id});
  // RFC 6665 §4.2.1.2: a refresh is answered with a NOTIFY of the current state.
  r.notify = notify(sub, "", now);
  return r;
}

OutgoingNotify SubscriptionTable::notify(Subscription& sub, std::string_view state, TimePoint now) {
  std::string active;
  if (state.empty()) {
    active = "active;expires=" + std::to_string(sub.remaining(now));
    state = active;
  }
  std::string entity = "sip:" + sub.presentity + "@" + config_.domain;
  NotifyParams p{state, entity, &config_.contact, config_.max_forwards};
  sub.notify_in_flight = true;
  sub.notify_pending = false;
  return OutgoingNotify{sub.id, sub.flow, make_notify(sub, directory_.state_of(sub.presentity), p)};
}

OutgoingNotify SubscriptionTable::end(SubscriptionId id, EndReason reason, TimePoint now) {
  OutgoingNotify n = notify(subs_.at(id), reason_text(reason), now);
  erase(id);
  return n;
}

std::vector<OutgoingNotify> SubscriptionTable::on_presence_changed(std::string_view presentity,
                                                                   TimePoint now) {
  std::vector<OutgoingNotify> out;
  for (SubscriptionId id : of_presentity(presentity)) {
    Subscription& sub = subs_.at(id);
    if (sub.notify_in_flight) {
      sub.notify_pending = true;
      continue;
    }
    out.push_back(notify(sub, "", now));
  }
  return out;
}

std::optional<OutgoingNotify> SubscriptionTable::on_notify_response(SubscriptionId id, int status,
                                                                    TimePoint now) {
  auto it = subs_.find(id);
  if (it == subs_.end() || status < 200) return std::nullopt;
  if (ends_subscription(status)) {
    erase(id);
    return std::nullopt;
  }
  Subscription& sub = it->second;
  sub.notify_in_flight = false;
  if (!sub.notify_pending || sub.expires_at <= now) return std::nullopt;
  return notify(sub, "", now);
}

std::vector<OutgoingNotify> SubscriptionTable::expire(TimePoint now) {
  std::vector<OutgoingNotify> out;
  while (!checks_.empty() && checks_.top().at <= now) {
    SubscriptionId id = checks_.top().id;
    checks_.pop();
    auto it = subs_.find(id);
    // Refreshed subscriptions leave older checks behind; skip those.
    if (it == subs_.end() || it->second.expires_at > now) continue;
    out.push_back(end(id, EndReason::Timeout, now));
  }
  return out;
}

std::size_t SubscriptionTable::remove_flow(std::uint64_t flow_id) {
  if (flow_id == 0) return 0;
  auto it = by_flow_.find(flow_id);
  if (it == by_flow_.end()) return 0;
  std::vector<SubscriptionId> ids = it->second;
  for (SubscriptionId id : ids) erase(id);
  return ids.size();
}

std::vector<OutgoingNotify> SubscriptionTable::recheck(std::string_view presentity, TimePoint now) {
  std::vector<OutgoingNotify> out;
  for (SubscriptionId id : of_presentity(presentity)) {
    const Subscription& sub = subs_.at(id);
    if (sub.watcher == sub.presentity || directory_.may_watch(sub.watcher, sub.presentity)) continue;
    out.push_back(end(id, EndReason::Rejected, now));
  }
  return out;
}

std::vector<OutgoingNotify> SubscriptionTable::remove_presentity(std::string_view presentity,
                                                                 TimePoint now) {
  std::vector<OutgoingNotify> out;
  for (SubscriptionId id : of_presentity(presentity)) {
    out.push_back(end(id, EndReason::Noresource, now));
  }
  return out;
}

std::vector<SubscriptionId> SubscriptionTable::of_presentity(std::string_view presentity) const {
  auto it = by_presentity_.find(std::string(presentity));
  return it == by_presentity_.end() ? std::vector<SubscriptionId>{} : it->second;
}

void SubscriptionTable::insert(Subscription sub) {
  SubscriptionId id = sub.id;
  by_dialog_[dialog_key(sub.call_id, sub.local_tag(), sub.remote_tag(), sub.event_id)] = id;
  by_presentity_[sub.presentity].push_back(id);
  ++per_watcher_[sub.watcher];
  if (sub.flow.flow_id != 0) by_flow_[sub.flow.flow_id].push_back(id);
  checks_.push(Check{sub.expires_at, id});
  subs_.emplace(id, std::move(sub));
}

void SubscriptionTable::erase(SubscriptionId id) {
  auto it = subs_.find(id);
  if (it == subs_.end()) return;
  const Subscription& sub = it->second;
  by_dialog_.erase(dialog_key(sub.call_id, sub.local_tag(), sub.remote_tag(), sub.event_id));
  if (auto p = by_presentity_.find(sub.presentity); p != by_presentity_.end()) {
    drop(p->second, id);
    if (p->second.empty()) by_presentity_.erase(p);
  }
  if (auto w = per_watcher_.find(sub.watcher); w != per_watcher_.end() && --w->second == 0) {
    per_watcher_.erase(w);
  }
  unindex_flow(sub);
  subs_.erase(it);
}

void SubscriptionTable::unindex_flow(const Subscription& sub) {
  if (auto f = by_flow_.find(sub.flow.flow_id); f != by_flow_.end()) {
    drop(f->second, sub.id);
    if (f->second.empty()) by_flow_.erase(f);
  }
}

}  // namespace parley::presence
