#include "presence/aggregator.hpp"

#include <algorithm>
#include <functional>

namespace parley::presence {
namespace {

// Adds or removes `key` in a small set kept as a vector (a user has a handful
// of identities and calls); true when the set changed.
template <typename Key, typename Given>
bool toggle(std::vector<Key>& set, const Given& key, bool present) {
  auto it = std::find(set.begin(), set.end(), key);
  if (present && it == set.end()) {
    set.emplace_back(key);
    return true;
  }
  if (!present && it != set.end()) {
    set.erase(it);
    return true;
  }
  return false;
}

}  // namespace

Aggregator::User& Aggregator::user(std::string_view name) {
  auto it = users_.find(std::string(name));
  if (it == users_.end()) it = users_.emplace(std::string(name), User{}).first;
  return it->second;
}

PresenceState Aggregator::compute(const User& user) {
  static const Extra kNothing;
  const Extra& u = user.extra ? *user.extra : kNothing;
  bool device_open = std::any_of(u.devices.begin(), u.devices.end(),
                                 [](const Device& d) { return d.state.status != Status::Offline; });
  if (user.identities.empty() && !device_open) return {};                   // rule 1
  if (u.manual == ManualStatus::Dnd) return {Status::Dnd, u.note};           // rule 2
  if (!u.calls.empty()) return {Status::OnThePhone, ""};                     // rule 3
  PresenceState best{to_status(u.manual), u.note};                          // rule 4
  const Device* winner = nullptr;
  for (const auto& d : u.devices) {
    if (d.state.status == Status::Offline) continue;
    bool stronger = d.state.status > best.status;
    bool newer_tie = winner && d.state.status == winner->state.status && d.order > winner->order;
    if (stronger || newer_tie) {
      best = d.state;
      winner = &d;
    }
  }
  return best;
}

Aggregator::Changed Aggregator::update(std::string_view name) {
  auto it = users_.find(std::string(name));
  if (it == users_.end()) return std::nullopt;
  User& u = it->second;
  PresenceState next = compute(u);
  bool changed = next != u.current;
  u.current = std::move(next);
  Changed result = changed ? Changed(u.current) : std::nullopt;
  // Forget users with nothing to remember, so the map tracks live users only.
  if (u.extra && u.extra->empty()) u.extra.reset();
  if (u.identities.empty() && !u.extra) users_.erase(it);
  return result;
}

Aggregator::Changed Aggregator::set_identity_online(std::string_view name, std::string_view identity,
                                                    bool online) {
  toggle(user(name).identities, std::uint64_t{std::hash<std::string_view>{}(identity)}, online);
  return update(name);
}

Aggregator::Changed Aggregator::set_in_call(std::string_view name, std::string_view call, bool in) {
  toggle(user(name).more().calls, call, in);
  return update(name);
}

Aggregator::Changed Aggregator::set_manual(std::string_view name, ManualStatus status,
                                           std::string_view note) {
  Extra& u = user(name).more();
  u.manual = status;
  u.note = clamp_note(note);
  return update(name);
}

Aggregator::Changed Aggregator::set_published(std::string_view name, std::string_view device,
                                              const PresenceState& state) {
  Extra& u = user(name).more();
  auto it = std::find_if(u.devices.begin(), u.devices.end(),
                         [&](const Device& d) { return d.key == device; });
  if (it == u.devices.end()) it = u.devices.insert(u.devices.end(), Device{std::string(device), {}, 0});
  it->state = PresenceState{state.status, clamp_note(state.note)};
  it->order = ++publish_order_;
  return update(name);
}

Aggregator::Changed Aggregator::remove_published(std::string_view name, std::string_view device) {
  auto it = users_.find(std::string(name));
  if (it == users_.end() || !it->second.extra) return std::nullopt;
  auto& devices = it->second.extra->devices;
  std::erase_if(devices, [&](const Device& d) { return d.key == device; });
  return update(name);
}

PresenceState Aggregator::state_of(std::string_view name) const {
  auto it = users_.find(std::string(name));
  return it == users_.end() ? PresenceState{} : it->second.current;
}

ManualStatus Aggregator::manual_of(std::string_view name) const {
  auto it = users_.find(std::string(name));
  return it == users_.end() || !it->second.extra ? ManualStatus::Available
                                                 : it->second.extra->manual;
}

bool Aggregator::in_call(std::string_view name) const {
  auto it = users_.find(std::string(name));
  return it != users_.end() && it->second.extra && !it->second.extra->calls.empty();
}

}  // namespace parley::presence
