#include "chat/fanout.hpp"

#include "chat/accept.hpp"
#include "chat/cpim.hpp"

namespace parley::chat {

namespace {

bool is_origin(const Identity& identity, const Endpoint& endpoint, const Origin& origin) {
  return !origin.address.empty() && identity.key == origin.identity &&
         endpoint.address == origin.address;
}

FanoutPlan plan(std::span<const MemberIdentities> members, const Origin& origin, bool room) {
  FanoutPlan out;
  for (const auto& member : members) {
    for (const auto& identity : member.identities) {
      if (identity.endpoints.empty()) {
        // The origin identity is online by definition; never queue it.
        if (identity.key != origin.identity) out.queue.push_back(identity.key);
        continue;
      }
      for (const auto& endpoint : identity.endpoints) {
        if (is_origin(identity, endpoint, origin)) continue;
        Delivery d{member.user, identity.key, endpoint.kind, endpoint.address, Representation::Web};
        d.representation = representation_for(endpoint, room);
        out.needs_cpim |= d.representation == Representation::Cpim;
        out.needs_plain_named |= d.representation == Representation::PlainNamed;
        out.deliveries.push_back(std::move(d));
      }
    }
  }
  return out;
}

}  // namespace

Representation representation_for(const Endpoint& endpoint, bool room) {
  if (endpoint.kind == EndpointKind::Web) return Representation::Web;
  if (!room) return Representation::Plain;
  return accepts_cpim(endpoint.accept) ? Representation::Cpim : Representation::PlainNamed;
}

FanoutPlan plan_room_fanout(std::span<const MemberIdentities> members, const Origin& origin) {
  return plan(members, origin, true);
}

FanoutPlan plan_private_fanout(std::span<const MemberIdentities> parties, const Origin& origin) {
  return plan(parties, origin, false);
}

std::string plain_named_text(std::string_view sender_name, std::string_view body) {
  std::string out;
  out.reserve(sender_name.size() + 2 + body.size());
  for (char c : sender_name) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) out += c;
  }
  out += ": ";
  out += body;
  return out;
}

std::string room_cpim_body(const RoomMessageView& m) {
  CpimMessage c;
  c.from.display_name = m.sender_display_name.empty() ? m.sender_name : m.sender_display_name;
  c.from.uri = m.sender_uri;
  c.to.uri = m.room_uri;
  c.datetime_ms = m.created_at_ms;
  c.content_type = "text/plain;charset=utf-8";
  c.body = m.body;
  return encode_cpim(c);
}

std::string late_plain_text(std::string_view sender_name, std::string_view body,
                            std::int64_t created_at_ms) {
  // "2026-11-30T09:45:16.123Z" -> "2026-11-30 09:45 UTC": minutes are enough
  // for a person reading a backlog.
  const std::string t = format_datetime(created_at_ms);
  std::string out = "[" + t.substr(0, 10) + " " + t.substr(11, 5) + " UTC] ";
  if (sender_name.empty()) return out + std::string(body);
  return out + plain_named_text(sender_name, body);
}

}  // namespace parley::chat
