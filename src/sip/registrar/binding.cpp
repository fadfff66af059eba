#include "sip/registrar/binding.hpp"

#include <chrono>

#include "base/strings.hpp"

namespace parley::sip::registrar {

std::uint32_t Binding::remaining(TimePoint now) const {
  if (expires_at <= now) return 0;
  const auto left = std::chrono::ceil<Seconds>(expires_at - now).count();
  return left > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(left);
}

std::string contact_key(const Uri& uri) {
  if (!uri.is_sip()) return to_lower(uri.scheme) + ":" + uri.to_string();
  std::string key;
  key.reserve(uri.user.size() + uri.host.size() + uri.headers.size() + 32);
  key.append(uri.scheme).push_back(':');
  // NOTE: unescaped user parts may hold NUL bytes (RFC 4475 escnull); the
  // key is a std::string, so they are kept and compared like any byte.
  key.append(uri.user_unescaped());
  if (!uri.password.empty()) key.append(":").append(uri.password);
  key.push_back('@');
  key.append(to_lower(uri.host));
  key.push_back(':');
  key.append(std::to_string(uri.port));
  for (std::string_view name : {"transport", "user", "ttl", "method", "maddr"}) {
    if (auto v = uri.params.get(name)) {
      key.append(";").append(name).append("=").append(to_lower(*v));
    }
  }
  if (!uri.headers.empty()) key.append("?").append(uri.headers);
  return key;
}

NameAddr response_contact(const Binding& binding, TimePoint now) {
  NameAddr na;
  na.uri = binding.uri;
  if (binding.has_q) {
    char q[8];
    const unsigned whole = binding.q_milli / 1000;
    const unsigned frac = binding.q_milli % 1000;
    std::snprintf(q, sizeof q, "%u.%03u", whole, frac);
    na.params.set("q", q);
  }
  if (!binding.instance.empty()) {
    na.params.set("+sip.instance", "\"" + binding.instance + "\"");
    if (binding.reg_id) na.params.set("reg-id", std::to_string(*binding.reg_id));
  }
  na.params.set("expires", std::to_string(binding.remaining(now)));
  return na;
}

}  // namespace parley::sip::registrar
