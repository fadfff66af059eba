#include "web/session_table.hpp"

#include <algorithm>
#include <functional>

#include "web/web_crypto.hpp"

namespace parley::web {

NonceCache::Outcome NonceCache::insert(std::string_view nonce, TimePoint now,
                                       std::chrono::milliseconds ttl, std::size_t max) {
  prune(now, ttl);
  // A 64-bit hash: two different random nonces colliding within one minute
  // of one session is negligible, and only the key holder chooses nonces.
  const std::uint64_t h = std::hash<std::string_view>{}(nonce);
  for (const Entry& e : entries_) {
    if (e.hash == h) return Outcome::kReplayed;
  }
  if (entries_.size() >= max) return Outcome::kFull;
  entries_.push_back({h, now});
  return Outcome::kAccepted;
}

void NonceCache::prune(TimePoint now, std::chrono::milliseconds ttl) {
  const auto live = std::find_if(entries_.begin(), entries_.end(),
                                 [&](const Entry& e) { return now - e.at <= ttl; });
  entries_.erase(entries_.begin(), live);
  if (entries_.empty()) {
    std::vector<Entry>().swap(entries_);  // an idle session holds no buffer
  }
}

SessionTable::SessionTable(Limits limits) : limits_(limits) {}

bool WebSession::same_browser(std::string_view user_agent) const {
  const std::string h = crypto::sha256(user_agent);
  return crypto::equal_constant_time(h, std::string_view(user_agent_hash.data(), user_agent_hash.size()));
}

WebSession* SessionTable::create(UserInfo user, std::string client_ip, std::string_view user_agent,
                                 TimePoint now) {
  if (full()) return nullptr;
  std::string public_id;
  do {
    public_id = crypto::base64url_encode(crypto::random_bytes(WebSession::kIdBytes));
  } while (by_public_.contains(public_id));

  const WebSessionId id{next_id_++};
  WebSession& s = sessions_[id];
  s.id = id;
  s.public_id = std::move(public_id);
  const std::string key = crypto::random_bytes(WebSession::kKeyBytes);
  std::copy(key.begin(), key.end(), s.key.begin());
  s.user = std::move(user);
  s.client_ip = std::move(client_ip);
  const std::string ua_hash = crypto::sha256(user_agent);
  std::copy(ua_hash.begin(), ua_hash.end(), s.user_agent_hash.begin());
  s.created = now;
  s.last_activity = now;
  by_public_.emplace(std::string_view(s.public_id), id);
  by_user_[s.user.name].push_back(id);
  return &s;
}

WebSession* SessionTable::find(WebSessionId id) {
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
}

const WebSession* SessionTable::find(WebSessionId id) const {
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
}

WebSession* SessionTable::find_public(std::string_view public_id) {
  const auto it = by_public_.find(public_id);
  return it == by_public_.end() ? nullptr : find(it->second);
}

const std::vector<WebSessionId>& SessionTable::of_user(std::string_view name) const {
  static const std::vector<WebSessionId> kNone;
  const auto it = by_user_.find(std::string(name));
  return it == by_user_.end() ? kNone : it->second;
}

void SessionTable::erase(WebSessionId id) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  by_public_.erase(std::string_view(it->second.public_id));
  const auto u = by_user_.find(it->second.user.name);
  if (u != by_user_.end()) {
    std::erase(u->second, id);
    if (u->second.empty()) by_user_.erase(u);
  }
  sessions_.erase(it);
}

SessionTable::Expiry SessionTable::expiry(const WebSession& s, TimePoint now) const {
  if (now - s.created > limits_.max_age) return Expiry::kTooOld;
  if (s.open_sockets == 0 && now - s.last_activity > limits_.idle_timeout) return Expiry::kIdle;
  return Expiry::kAlive;
}

std::vector<WebSessionId> SessionTable::ids() const {
  std::vector<WebSessionId> out;
  out.reserve(sessions_.size());
  for (const auto& [id, s] : sessions_) out.push_back(id);
  return out;
}

}  // namespace parley::web
