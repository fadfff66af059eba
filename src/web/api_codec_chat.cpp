// Codec for the rooms part of protocol/api.md: the room, member and stored
// message objects in HTTP answers and frames, and the name rule.
#include <boost/json.hpp>

#include "web/api_codec.hpp"

namespace parley::web::codec {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxNameChars = 64;

json::value null_if_empty(std::string_view s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

json::value presence_value(const PresenceView& p) {
  return json::object{{"status", p.status}, {"note", p.note}};
}

json::object room_object(const RoomView& r) {
  return json::object{{"name", r.name},
                      {"title", r.title},
                      {"topic", r.topic},
                      {"visibility", r.visibility},
                      {"uri", r.uri},
                      {"role", null_if_empty(r.role)},
                      {"joined", r.joined},
                      {"invited", r.invited},
                      {"members", r.members},
                      {"unread", r.unread},
                      {"last_id", null_if_empty(r.last_id)}};
}

json::object member_object(const MemberView& m) {
  return json::object{{"name", m.name},
                      {"display_name", m.display_name},
                      {"role", null_if_empty(m.role)},
                      {"presence", presence_value(m.presence)}};
}

json::object stored_object(const StoredMessageView& m) {
  return json::object{{"id", m.id},
                      {"room", null_if_empty(m.room)},
                      {"from", m.from},
                      {"from_user", null_if_empty(m.from_user)},
                      {"to_user", null_if_empty(m.to_user)},
                      {"text", m.text},
                      {"time_ms", m.time_ms}};
}

json::array stored_array(const std::vector<StoredMessageView>& messages) {
  json::array out;
  out.reserve(messages.size());
  for (const auto& m : messages) out.push_back(stored_object(m));
  return out;
}

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

}  // namespace

std::optional<std::string> canonical_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameChars) return std::nullopt;
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!name_char(c)) return std::nullopt;
  }
  if (out.front() == '.' || out.front() == '_' || out.front() == '-') return std::nullopt;
  return out;
}

std::string encode_room_message(const StoredMessageView& message) {
  json::object o = stored_object(message);
  o.emplace("type", "room.message");
  return json::serialize(o);
}

std::string encode_room_event(std::string_view room, std::string_view kind,
                              std::string_view user) {
  return json::serialize(json::object{
      {"type", "room.event"}, {"room", room}, {"kind", kind}, {"user", null_if_empty(user)}});
}

std::string encode_room(const RoomView& room) { return json::serialize(room_object(room)); }

std::string encode_rooms(const std::vector<RoomView>& rooms) {
  json::array out;
  out.reserve(rooms.size());
  for (const auto& r : rooms) out.push_back(room_object(r));
  return json::serialize(json::object{{"rooms", std::move(out)}});
}

std::string encode_members(std::string_view key, const std::vector<MemberView>& members) {
  json::array out;
  out.reserve(members.size());
  for (const auto& m : members) out.push_back(member_object(m));
  json::object o;
  o.emplace(key, std::move(out));
  return json::serialize(o);
}

std::string encode_history(const HistoryPageView& page) {
  return json::serialize(
      json::object{{"messages", stored_array(page.messages)}, {"more", page.more}});
}

std::string encode_hits(const std::vector<StoredMessageView>& hits) {
  return json::serialize(json::object{{"hits", stored_array(hits)}});
}

std::string encode_users(const std::vector<UserEntry>& users) {
  json::array out;
  out.reserve(users.size());
  for (const UserEntry& e : users) {
    // api.md: online == (status != offline). A delegate that fills only
    // `online` (the presence default is offline) still answers consistently.
    const bool online = e.online || e.presence.status != "offline";
    const std::string_view status =
        online && e.presence.status == "offline" ? "available" : std::string_view(e.presence.status);
    out.push_back(json::object{{"name", e.user.name},
                               {"display_name", e.user.display_name},
                               {"uri", e.user.uri},
                               {"online", online},
                               {"status", status},
                               {"note", e.presence.note}});
  }
  return json::serialize(json::object{{"users", std::move(out)}});
}

}  // namespace parley::web::codec
