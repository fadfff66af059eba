#include "sip/registrar/registrar.hpp"

#include <algorithm>
#include <utility>

#include "base/log.hpp"
#include "base/strings.hpp"

namespace parley::sip::registrar {

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

std::size_t find_key(const std::vector<Binding>& v, std::string_view key) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i].key == key) return i;
  }
  return kNone;
}

// RFC 5626 §6 / RFC 5627: the same instance (and reg-id, when given) is the
// same device registering again, whatever its contact URI is now.
std::size_t find_instance(const std::vector<Binding>& v, const ContactUpdate& u) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i].instance == u.instance && v[i].reg_id == u.reg_id) return i;
  }
  return kNone;
}

// The binding refreshed longest ago (ties: the one expiring first), among
// those this request has not touched.
std::size_t find_oldest(const std::vector<Binding>& v, const std::vector<bool>& touched) {
  std::size_t best = kNone;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (touched[i]) continue;
    if (best == kNone || v[i].updated_at < v[best].updated_at ||
        (v[i].updated_at == v[best].updated_at && v[i].expires_at < v[best].expires_at)) {
      best = i;
    }
  }
  return best;
}

void fill(Binding& b, const std::string& aor, const ContactUpdate& u, const Message& req,
          const RegisterRequest& plan, const Source& source, TimePoint now) {
  b.aor = aor;
  b.uri = u.contact->uri;
  b.key = u.key;
  b.q_milli = u.q_milli;
  b.has_q = u.has_q;
  b.expires_at = now + Seconds(u.expires);
  b.updated_at = now;
  b.call_id = req.call_id;
  b.cseq = req.cseq.number;
  b.instance = u.instance;
  b.reg_id = u.reg_id;
  b.source = source;
  b.path = plan.path;
}

// Whether a refresh leaves the contact reached and identified as before:
// only then may it go unreported (BindingChange).
bool same_reach(const Binding& b, const ContactUpdate& u, const RegisterRequest& plan,
                const Source& source) {
  return b.uri == u.contact->uri && b.q_milli == u.q_milli && b.has_q == u.has_q &&
         b.instance == u.instance && b.reg_id == u.reg_id && b.source == source &&
         b.path == plan.path;
}

// A refresh whose expiry moved later by less than a tenth of its interval
// since the last report is not worth a write (BindingChange).
bool worth_reporting(const Binding& b, std::uint32_t interval_s) {
  if (b.expires_at < b.reported_expires_at) return true;
  return b.expires_at - b.reported_expires_at >= Seconds(interval_s) / 10;
}

// RFC 3261 §10.3 step 7: within one Call-ID, a lower CSeq is out of order
// and fails as a whole. An equal CSeq can only be the same REGISTER again (a
// UA never reuses a CSeq for another request): a retransmission, applied
// again idempotently, so REGISTER needs no server transaction to absorb it.
bool out_of_order(const Binding& b, const Message& req) {
  return b.call_id == req.call_id && req.cseq.number < b.cseq;
}

}  // namespace

Registrar::Registrar(RegistrarConfig config)
    : config_(std::move(config)), log_(log::get("sip.registrar")) {}

RegisterResult Registrar::refuse(RegisterResult r, int status, std::string_view reason) {
  r.status = status;
  r.reason = reason;
  r.contacts.clear();
  r.changes.clear();
  return r;
}

RegisterResult Registrar::handle_register(const Message& req, const RequestContext& ctx,
                                          TimePoint now) {
  RegisterResult r;
  const std::string to_user = req.to.uri.user_unescaped();
  // RFC 3261 §10.3 step 4: an account may only change its own bindings.
  if (!ctx.account.empty() && to_user != ctx.account) return refuse(std::move(r), 403, "Forbidden");
  r.aor = ctx.account.empty() ? to_user : std::string(ctx.account);
  // Step 5: an AOR without a user part names nobody here.
  if (r.aor.empty()) return refuse(std::move(r), 404, "Not Found");

  auto plan = read_register(req, config_);
  if (!plan) {
    r.min_expires = plan.error().min_expires;
    return refuse(std::move(r), plan.error().status, plan.error().reason);
  }

  const auto it = aors_.find(r.aor);
  if (refresh_in_place(req, *plan, ctx, now, it, r)) return r;
  std::vector<Binding> next;
  if (it != aors_.end()) {
    // Bindings already past their time are gone, whatever expire() says yet.
    next.reserve(it->second.bindings.size() + plan->updates.size());
    for (const auto& b : it->second.bindings) {
      if (b.expires_at > now) {
        next.push_back(b);
      } else {
        r.changes.push_back({BindingChange::Kind::Removed, b});
      }
    }
  }
  bool modified = false;
  if (!apply(req, *plan, ctx, now, next, r, modified)) {
    return refuse(std::move(r), r.status, r.reason);
  }
  r.contacts.reserve(next.size());
  for (const auto& b : next) r.contacts.push_back(response_contact(b, now));
  r.outbound = std::any_of(plan->updates.begin(), plan->updates.end(),
                           [](const ContactUpdate& u) { return u.reg_id.has_value(); });
  log_->debug("register aor={} bindings={} changes={} source={}:{}:{}", r.aor, next.size(),
              r.changes.size(), ctx.source.transport, ctx.source.ip, ctx.source.port);
  if (modified || !r.changes.empty()) commit(it, r.aor, std::move(next));
  return r;
}

bool Registrar::refresh_in_place(const Message& req, const RegisterRequest& plan,
                                 const RequestContext& ctx, TimePoint now, Map::iterator it,
                                 RegisterResult& r) {
  // One contact, bound already under the same key, in an AOR with nothing
  // expired: what apply() + commit() would do, without copying the AOR's
  // bindings (a phone refreshing is most of a registrar's traffic).
  if (it == aors_.end() || plan.wildcard || plan.updates.size() != 1) return false;
  const ContactUpdate& u = plan.updates.front();
  if (u.expires == 0) return false;
  std::vector<Binding>& bindings = it->second.bindings;
  for (const auto& b : bindings) {
    if (b.expires_at <= now) return false;
  }
  const std::size_t i = find_key(bindings, u.key);
  if (i == kNone) return false;
  Binding& b = bindings[i];
  if (out_of_order(b, req)) {
    r = refuse(std::move(r), 400, "CSeq Out Of Order");
    return true;
  }
  const bool quiet = same_reach(b, u, plan, ctx.source);
  index(b, -1);
  fill(b, r.aor, u, req, plan, ctx.source, now);
  index(b, +1);
  if (!quiet || worth_reporting(b, u.expires)) {
    b.reported_expires_at = b.expires_at;
    r.changes.push_back({BindingChange::Kind::Refreshed, b});
  }
  r.contacts.reserve(bindings.size());
  for (const auto& each : bindings) r.contacts.push_back(response_contact(each, now));
  r.outbound = u.reg_id.has_value();
  log_->debug("register aor={} bindings={} changes={} source={}:{}:{}", r.aor, bindings.size(),
              r.changes.size(), ctx.source.transport, ctx.source.ip, ctx.source.port);
  schedule(it);
  return true;
}

bool Registrar::apply(const Message& req, const RegisterRequest& plan, const RequestContext& ctx,
                      TimePoint now, std::vector<Binding>& next, RegisterResult& r,
                      bool& modified) const {
  auto abort = [&r](int status, std::string_view reason) {
    r.status = status;
    r.reason = reason;
    return false;
  };
  if (plan.wildcard) {
    // Step 6: "*" removes every binding, each subject to the step 7 ordering.
    for (const auto& b : next) {
      if (out_of_order(b, req)) return abort(400, "CSeq Out Of Order");
    }
    for (auto& b : next) r.changes.push_back({BindingChange::Kind::Removed, std::move(b)});
    next.clear();
    return true;
  }
  std::vector<bool> touched(next.size(), false);
  for (const auto& u : plan.updates) {
    std::size_t i = find_key(next, u.key);
    if (i == kNone && !u.instance.empty()) i = find_instance(next, u);
    if (i != kNone) {
      // A contact listed twice in this request is not out of order with itself.
      if (!touched[i] && out_of_order(next[i], req)) return abort(400, "CSeq Out Of Order");
      if (u.expires == 0) {
        r.changes.push_back({BindingChange::Kind::Removed, std::move(next[i])});
        next.erase(next.begin() + static_cast<std::ptrdiff_t>(i));
        touched.erase(touched.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      const bool same_contact = next[i].key == u.key;
      if (!same_contact) r.changes.push_back({BindingChange::Kind::Removed, next[i]});
      const bool quiet = same_contact && same_reach(next[i], u, plan, ctx.source);
      fill(next[i], r.aor, u, req, plan, ctx.source, now);
      touched[i] = true;
      modified = true;
      if (quiet && !worth_reporting(next[i], u.expires)) continue;
      next[i].reported_expires_at = next[i].expires_at;
      r.changes.push_back({same_contact ? BindingChange::Kind::Refreshed : BindingChange::Kind::Added,
                           next[i]});
      continue;
    }
    if (u.expires == 0) continue;  // removing what is not there is a no-op
    if (next.size() >= config_.max_bindings_per_aor) {
      // Limit reached: the stalest binding gives way (a device that lost its
      // state, e.g. baresip restarted without an instance id, must not lock
      // the account out until the old binding expires).
      const std::size_t victim = find_oldest(next, touched);
      if (victim == kNone) return abort(403, "Too Many Contacts");
      r.changes.push_back({BindingChange::Kind::Removed, std::move(next[victim])});
      next.erase(next.begin() + static_cast<std::ptrdiff_t>(victim));
      touched.erase(touched.begin() + static_cast<std::ptrdiff_t>(victim));
    }
    Binding b;
    fill(b, r.aor, u, req, plan, ctx.source, now);
    b.reported_expires_at = b.expires_at;
    r.changes.push_back({BindingChange::Kind::Added, b});
    next.push_back(std::move(b));
    touched.push_back(true);
  }
  return true;
}

void Registrar::commit(const std::string& aor, std::vector<Binding> next) {
  commit(aors_.find(aor), aor, std::move(next));
}

void Registrar::commit(Map::iterator it, const std::string& aor, std::vector<Binding> next) {
  if (it != aors_.end()) {
    for (const auto& b : it->second.bindings) index(b, -1);
    binding_count_ -= it->second.bindings.size();
  }
  if (next.empty()) {
    if (it != aors_.end()) aors_.erase(it);
    return;
  }
  if (it == aors_.end()) it = aors_.emplace(aor, Aor{}).first;
  it->second.bindings = std::move(next);
  for (const auto& b : it->second.bindings) index(b, +1);
  binding_count_ += it->second.bindings.size();
  schedule(it);
}

void Registrar::schedule(Map::iterator it) {
  Aor& a = it->second;
  if (a.bindings.empty()) return;
  TimePoint earliest = a.bindings.front().expires_at;
  for (const auto& b : a.bindings) earliest = std::min(earliest, b.expires_at);
  // A check already due earlier will find the later expiry and reschedule.
  if (a.next_check != TimePoint{} && a.next_check <= earliest) return;
  a.next_check = earliest;
  checks_.push(Check{earliest, it->first});
  // Superseded entries wait in the heap until their time; an AOR that
  // registers and unregisters in a loop would grow it, so rebuild it from
  // the live schedule when it holds far more entries than AORs.
  if (checks_.size() > 2 * aors_.size() + 1024) {
    std::vector<Check> live;
    live.reserve(aors_.size());
    for (const auto& [name, entry] : aors_) {
      if (!entry.bindings.empty()) live.push_back(Check{entry.next_check, name});
    }
    checks_ = decltype(checks_)(std::greater<>{}, std::move(live));
  }
}

std::vector<Binding> Registrar::expire(TimePoint now) {
  std::vector<Binding> gone;
  while (!checks_.empty() && checks_.top().at <= now) {
    const Check check = checks_.top();
    checks_.pop();
    auto it = aors_.find(check.aor);
    if (it == aors_.end() || it->second.next_check != check.at) continue;  // superseded
    std::vector<Binding> keep;
    bool any = false;
    for (const auto& b : it->second.bindings) {
      if (b.expires_at <= now) {
        gone.push_back(b);
        any = true;
      } else {
        keep.push_back(b);
      }
    }
    it->second.next_check = TimePoint{};
    if (any) {
      commit(check.aor, std::move(keep));  // re-indexes, reschedules or erases
    } else {
      schedule(it);
    }
  }
  return gone;
}

std::vector<Binding> Registrar::contacts(std::string_view aor, TimePoint now) const {
  std::vector<Binding> out;
  auto it = aors_.find(std::string(aor));
  if (it == aors_.end()) return out;
  for (const auto& b : it->second.bindings) {
    if (b.expires_at > now) out.push_back(b);
  }
  std::stable_sort(out.begin(), out.end(), [](const Binding& a, const Binding& b) {
    if (a.q_milli != b.q_milli) return a.q_milli > b.q_milli;
    return a.updated_at > b.updated_at;
  });
  return out;
}

bool Registrar::has_bindings(std::string_view aor, TimePoint now) const {
  auto it = aors_.find(std::string(aor));
  if (it == aors_.end()) return false;
  return std::any_of(it->second.bindings.begin(), it->second.bindings.end(),
                     [now](const Binding& b) { return b.expires_at > now; });
}

bool Registrar::is_registered_source(std::string_view aor, std::string_view transport,
                                     std::string_view ip, std::uint16_t port) const {
  // A scan of the AOR's few bindings: an index keyed by source would cost
  // ~130 B of heap per contact (bench/RESULTS.md, memory per contact).
  auto it = aors_.find(std::string(aor));
  if (it == aors_.end()) return false;
  return std::any_of(it->second.bindings.begin(), it->second.bindings.end(),
                     [&](const Binding& b) {
                       return b.source.port == port && b.source.ip == ip &&
                              iequals(b.source.transport, transport);
                     });
}

std::vector<Binding> Registrar::remove_flow(std::uint64_t flow_id) {
  std::vector<Binding> gone;
  if (flow_id == 0) return gone;
  auto f = flows_.find(flow_id);
  if (f == flows_.end()) return gone;
  std::vector<std::string> aors = f->second;
  std::sort(aors.begin(), aors.end());
  aors.erase(std::unique(aors.begin(), aors.end()), aors.end());
  for (const auto& aor : aors) {
    auto it = aors_.find(aor);
    if (it == aors_.end()) continue;
    std::vector<Binding> keep;
    for (const auto& b : it->second.bindings) {
      if (b.source.flow_id == flow_id) {
        gone.push_back(b);
      } else {
        keep.push_back(b);
      }
    }
    commit(aor, std::move(keep));
  }
  return gone;
}

std::vector<Binding> Registrar::remove_aor(std::string_view aor) {
  std::vector<Binding> gone;
  auto it = aors_.find(std::string(aor));
  if (it == aors_.end()) return gone;
  gone = it->second.bindings;
  commit(it->first, {});
  return gone;
}

std::vector<BindingChange> Registrar::take_unreported_refreshes() {
  std::vector<BindingChange> out;
  for (auto& [aor, entry] : aors_) {
    for (auto& b : entry.bindings) {
      if (b.reported_expires_at == b.expires_at) continue;
      b.reported_expires_at = b.expires_at;
      out.push_back({BindingChange::Kind::Refreshed, b});
    }
  }
  return out;
}

bool Registrar::restore(Binding binding, TimePoint now) {
  if (binding.expires_at <= now || binding.aor.empty()) return false;
  if (binding.key.empty()) binding.key = contact_key(binding.uri);
  binding.reported_expires_at = binding.expires_at;  // it came from persistence
  std::vector<Binding> next;
  if (auto it = aors_.find(binding.aor); it != aors_.end()) next = it->second.bindings;
  const std::size_t i = find_key(next, binding.key);
  if (i != kNone) {
    next[i] = binding;
  } else if (next.size() >= config_.max_bindings_per_aor) {
    return false;
  } else {
    next.push_back(binding);
  }
  commit(binding.aor, std::move(next));
  return true;
}

void Registrar::index(const Binding& b, int delta) {
  if (b.source.flow_id == 0) return;
  if (delta > 0) {
    flows_[b.source.flow_id].push_back(b.aor);
    return;
  }
  if (auto f = flows_.find(b.source.flow_id); f != flows_.end()) {
    auto& v = f->second;
    if (auto pos = std::find(v.begin(), v.end(), b.aor); pos != v.end()) v.erase(pos);
    if (v.empty()) flows_.erase(f);
  }
}

}  // namespace parley::sip::registrar
