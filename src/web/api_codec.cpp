// Codec for the messages of the first API version (login, messages,
// presence) and the client-frame decoder; rooms: api_codec_chat.cpp.
#include "web/api_codec.hpp"

#include <boost/json.hpp>

namespace parley::web::codec {

namespace json = boost::json;

namespace {

// api.md field limits, in characters (Unicode code points).
constexpr std::size_t kMaxClientIdChars = 64;
constexpr std::size_t kMaxToChars = 256;
constexpr std::size_t kMaxTextChars = 16384;
constexpr std::size_t kMaxServerIdChars = 128;
constexpr std::size_t kMaxNoteBytes = 256;

json::value user_value(const UserInfo& u) {
  return json::object{{"name", u.name}, {"display_name", u.display_name}, {"uri", u.uri}};
}

json::value null_if_empty(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

// Boost.JSON has already checked the UTF-8; count the lead bytes.
std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Failure<DecodeError> bad(std::string field, std::string why) {
  return fail(DecodeError{"bad_request", field + ": " + why});
}

// A required string member of 1..max characters.
Result<std::string, DecodeError> string_field(const json::object& o, const char* name,
                                              std::size_t max) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr) return bad(name, "missing");
  const json::string* s = v->if_string();
  if (s == nullptr) return bad(name, "not a string");
  const std::size_t n = code_points(*s);
  if (n == 0) return bad(name, "empty");
  if (n > max) return bad(name, "longer than " + std::to_string(max) + " characters");
  return std::string(s->data(), s->size());
}

Result<ClientMessage, DecodeError> decode_send(const json::object& o) {
  auto id = string_field(o, "id", kMaxClientIdChars);
  if (!id) return fail(id.error());
  auto to = string_field(o, "to", kMaxToChars);
  if (!to) return fail(to.error());
  // "~name" is how room.post addresses a room after checking the name; a
  // message.send must not reach a room around that check.
  if (to->starts_with('~')) return bad("to", "starts with ~ (rooms take room.post)");
  auto text = string_field(o, "text", kMaxTextChars);
  if (!text) return fail(text.error());
  return ClientMessage(MessageSend{
      OutgoingMessage{std::move(id).value(), std::move(to).value(), std::move(text).value()}});
}

Result<ClientMessage, DecodeError> decode_room_post(const json::object& o) {
  auto id = string_field(o, "id", kMaxClientIdChars);
  if (!id) return fail(id.error());
  const json::value* room = o.if_contains("room");
  if (room == nullptr) return bad("room", "missing");
  if (!room->is_string()) return bad("room", "not a string");
  auto name = canonical_name(room->get_string());
  if (!name) return bad("room", "not a room name");
  auto text = string_field(o, "text", kMaxTextChars);
  if (!text) return fail(text.error());
  return ClientMessage(MessageSend{
      OutgoingMessage{std::move(id).value(), "~" + *name, std::move(text).value()}});
}

Result<ClientMessage, DecodeError> decode_presence_set(const json::object& o) {
  const json::value* status = o.if_contains("status");
  if (status == nullptr) return bad("status", "missing");
  const json::string* st = status->if_string();
  if (st == nullptr) return bad("status", "not a string");
  // offline and on_the_phone are the server's to say, never chosen.
  if (*st != "available" && *st != "away" && *st != "busy" && *st != "dnd") {
    return bad("status", "not one of available, away, busy, dnd");
  }
  std::string note;
  if (const json::value* n = o.if_contains("note")) {
    const json::string* ns = n->if_string();
    if (ns == nullptr) return bad("note", "not a string");
    if (ns->size() > kMaxNoteBytes) return bad("note", "longer than 256 bytes");
    note.assign(ns->data(), ns->size());
  }
  return ClientMessage(PresenceSet{std::string(st->data(), st->size()), std::move(note)});
}

Result<ClientMessage, DecodeError> decode_ack(const json::object& o) {
  auto id = string_field(o, "id", kMaxServerIdChars);
  if (!id) return fail(id.error());
  return ClientMessage(MessageAck{std::move(id).value()});
}

}  // namespace

std::string encode_user(const UserInfo& user) { return json::serialize(user_value(user)); }

std::string encode_message(const MessageEvent& m) {
  return json::serialize(json::object{{"type", "message"},
                                      {"id", m.id},
                                      {"direction", m.outgoing ? "out" : "in"},
                                      {"from", m.from},
                                      {"from_user", null_if_empty(m.from_user)},
                                      {"to", m.to},
                                      {"to_user", null_if_empty(m.to_user)},
                                      {"text", m.text},
                                      {"content_type", m.content_type},
                                      {"time_ms", m.time_ms}});
}

std::string encode_message_status(std::string_view id, int code, std::string_view reason) {
  const bool delivered = code >= 200 && code < 300;
  return json::serialize(json::object{{"type", "message.status"},
                                      {"id", id},
                                      {"status", delivered ? "delivered" : "failed"},
                                      {"code", code},
                                      {"reason", reason}});
}

std::string encode_presence(std::string_view user, bool online) {
  return json::serialize(json::object{{"type", "presence"}, {"user", user}, {"online", online}});
}

std::string encode_presence_state(std::string_view user, const PresenceView& presence) {
  return json::serialize(json::object{{"type", "presence"},
                                      {"user", user},
                                      {"online", presence.status != "offline"},
                                      {"status", presence.status},
                                      {"note", presence.note}});
}

std::string encode_presence_states(
    const std::vector<std::pair<std::string, PresenceView>>& changes) {
  json::array users;
  users.reserve(changes.size());
  for (const auto& [user, p] : changes) {
    users.push_back(json::object{
        {"user", user}, {"online", p.status != "offline"}, {"status", p.status}, {"note", p.note}});
  }
  return json::serialize(json::object{{"type", "presence"}, {"users", std::move(users)}});
}

std::string encode_presence_list(const std::vector<std::pair<std::string, bool>>& changes) {
  json::array users;
  users.reserve(changes.size());
  for (const auto& [user, online] : changes) {
    users.push_back(json::object{{"user", user}, {"online", online}});
  }
  return json::serialize(json::object{{"type", "presence"}, {"users", std::move(users)}});
}

std::string encode_error(std::string_view code, std::string_view message,
                         std::optional<std::uint64_t> seq) {
  json::object o{{"type", "error"}, {"code", code}, {"message", message}};
  if (seq) o["seq"] = *seq;
  return json::serialize(o);
}

std::string encode_hello(const UserInfo& user, std::uint64_t last_seq,
                         std::int64_t server_time_ms) {
  return json::serialize(json::object{{"type", "hello"},
                                      {"api", 1},
                                      {"user", user_value(user)},
                                      {"last_seq", last_seq},
                                      {"server_time_ms", server_time_ms}});
}

std::string encode_pong(std::int64_t server_time_ms) {
  return json::serialize(json::object{{"type", "pong"}, {"server_time_ms", server_time_ms}});
}

Result<ClientMessage, DecodeError> decode_client_message(std::string_view text) {
  try {
    boost::system::error_code ec;
    json::parse_options opts;
    opts.max_depth = 16;  // a message is flat; deep nesting is an attack
    const json::value v = json::parse(text, ec, {}, opts);
    if (ec) return bad("json", "malformed (" + ec.message() + ")");
    const json::object* o = v.if_object();
    if (o == nullptr) return bad("json", "not an object");
    const json::value* type = o->if_contains("type");
    if (type == nullptr) return bad("type", "missing");
    const json::string* t = type->if_string();
    if (t == nullptr) return bad("type", "not a string");
    if (*t == "ping") return ClientMessage(Ping{});
    if (*t == "message.send") return decode_send(*o);
    if (*t == "message.ack") return decode_ack(*o);
    if (*t == "room.post") return decode_room_post(*o);
    if (*t == "presence.set") return decode_presence_set(*o);
    // Not echoed: a cut could split a UTF-8 sequence, and the client knows what it sent.
    return fail(DecodeError{"unknown_type", "unknown message type"});
  } catch (const std::exception& e) {
    // Allocation failure only; input errors come back through `ec`.
    return fail(DecodeError{"bad_request", std::string("json: ") + e.what()});
  }
}

}  // namespace parley::web::codec
