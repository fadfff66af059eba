#include "gateway/registration_codec.hpp"

#include <cmath>

#include "base/strings.hpp"
#include "sip/message/parser.hpp"

namespace parley::gateway {

namespace {

// Path entries are name-addrs that may hold commas in parameters; a line
// break cannot appear inside one, so it separates them in the store.
constexpr char kPathSeparator = '\n';

}  // namespace

std::optional<store::Registration> to_registration(const sip::registrar::Binding& b,
                                                   const UserDirectory& directory, TimePoint now,
                                                   std::int64_t unix_now) {
  const AccountEntry* account = directory.account(b.aor);
  if (!account) return std::nullopt;
  store::Registration r;
  r.account_id = account->id;
  r.contact = b.uri.to_string();
  r.instance_id = b.instance;
  r.reg_id = b.reg_id.value_or(0);
  r.transport = to_lower(b.source.transport);
  r.received_address = b.source.ip;
  r.received_port = b.source.port;
  for (const auto& p : b.path) {
    if (!r.path.empty()) r.path += kPathSeparator;
    r.path += p;
  }
  r.q = b.has_q ? b.q_milli / 1000.0 : 1.0;
  r.call_id = b.call_id;
  r.cseq = b.cseq;
  auto left = std::chrono::duration_cast<Seconds>(b.expires_at - now).count();
  r.expires_at = unix_now + left;
  r.updated_at = unix_now - std::chrono::duration_cast<Seconds>(now - b.updated_at).count();
  return r;
}

std::optional<sip::registrar::Binding> to_binding(const store::Registration& r,
                                                  const UserDirectory& directory, TimePoint now,
                                                  std::int64_t unix_now) {
  const AccountEntry* account = directory.account(r.account_id);
  if (!account) return std::nullopt;
  auto uri = sip::parse_uri(r.contact);
  if (!uri) return std::nullopt;
  sip::registrar::Binding b;
  b.aor = account->username;
  b.uri = std::move(*uri);
  b.key = sip::registrar::contact_key(b.uri);
  b.has_q = r.q != 1.0;
  b.q_milli = static_cast<std::uint16_t>(std::lround(std::clamp(r.q, 0.0, 1.0) * 1000));
  b.expires_at = now + Seconds(r.expires_at - unix_now);
  b.updated_at = now - Seconds(std::max<std::int64_t>(0, unix_now - r.updated_at));
  b.call_id = r.call_id;
  b.cseq = r.cseq;
  b.instance = r.instance_id;
  if (r.reg_id != 0) b.reg_id = r.reg_id;
  b.source.transport = r.transport;
  for (auto& c : b.source.transport) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  b.source.ip = r.received_address;
  b.source.port = r.received_port;
  // Connections do not survive a restart: the next request opens a new one.
  b.source.flow_id = 0;
  if (!r.path.empty()) {
    for (auto p : split(r.path, kPathSeparator)) b.path.emplace_back(p);
  }
  return b;
}

}  // namespace parley::gateway
