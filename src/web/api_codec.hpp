// JSON encoding and decoding of the browser API's messages (protocol/api.md):
// typed values in, JSON text out, and client frames decoded into typed values
// with every field checked. Pure functions, no state. Thread: any.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.hpp"
#include "web/api_delegate.hpp"
#include "web/chat_delegate.hpp"

namespace parley::web::codec {

// ---- server → browser ----

// api.md `message`.
struct MessageEvent {
  std::string id;           // server id
  bool outgoing = false;    // direction "out" (sent by this user elsewhere) or "in"
  std::string from;         // SIP URI
  std::string from_user;    // empty = null (not a local user)
  std::string to;
  std::string to_user;      // empty = null
  std::string text;
  std::string content_type = "text/plain";
  std::int64_t time_ms = 0;
};
std::string encode_message(const MessageEvent& m);
// api.md `message.status`: delivered when 200 <= code < 300.
std::string encode_message_status(std::string_view id, int code, std::string_view reason);
std::string encode_presence(std::string_view user, bool online);
// Several users' changes in one frame (api.md `presence` with `users`).
std::string encode_presence_list(const std::vector<std::pair<std::string, bool>>& changes);
std::string encode_error(std::string_view code, std::string_view message,
                         std::optional<std::uint64_t> seq = std::nullopt);
std::string encode_hello(const UserInfo& user, std::uint64_t last_seq, std::int64_t server_time_ms);
std::string encode_pong(std::int64_t server_time_ms);
std::string encode_user(const UserInfo& user);  // the `user` object
// api.md `presence` with `status` and `note` (and `online` = status != offline).
std::string encode_presence_state(std::string_view user, const PresenceView& presence);
std::string encode_presence_states(const std::vector<std::pair<std::string, PresenceView>>& changes);
// api.md `room.message`: the stored message's fields beside `type`.
std::string encode_room_message(const StoredMessageView& message);
// api.md `room.event`: kind joined|left|renamed|topic|deleted|invited|updated.
std::string encode_room_event(std::string_view room, std::string_view kind, std::string_view user);

// ---- HTTP answers of the rooms API (api_codec_chat.cpp) ----

std::string encode_room(const RoomView& room);                          // the room object
std::string encode_rooms(const std::vector<RoomView>& rooms);           // {"rooms": [...]}
// {"<key>": [member...]}: key "members" or "buddies".
std::string encode_members(std::string_view key, const std::vector<MemberView>& members);
std::string encode_history(const HistoryPageView& page);                // {"messages", "more"}
std::string encode_hits(const std::vector<StoredMessageView>& hits);    // {"hits": [...]}
std::string encode_users(const std::vector<UserEntry>& users);          // GET /api/v1/users

// api.md Names: lower-cases `name` and checks [a-z0-9][a-z0-9._-]{0,63};
// nullopt if it breaks the rule. Room and user names share it.
std::optional<std::string> canonical_name(std::string_view name);

// ---- browser → server ----

struct Ping {};
struct MessageSend {
  OutgoingMessage message;
};
struct MessageAck {
  std::string id;
};
// api.md `presence.set`: status is one of available|away|busy|dnd.
struct PresenceSet {
  std::string status;
  std::string note;
};
// `room.post` decodes into MessageSend with `to` = "~" + room (the gateway's
// room address), so both kinds of send share one path and one status flow.
using ClientMessage = std::variant<Ping, MessageSend, MessageAck, PresenceSet>;

struct DecodeError {
  std::string code;     // "bad_request" or "unknown_type"
  std::string message;  // names the field
};
// Decodes the JSON part of a frame (after seq and sig). Never throws.
Result<ClientMessage, DecodeError> decode_client_message(std::string_view json);

}  // namespace parley::web::codec
