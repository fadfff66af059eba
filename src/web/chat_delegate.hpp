// What the browser API's rooms, history, search, buddies and presence-status
// requests (protocol/api.md) need from the gateway, as typed views the codec
// turns into JSON. Every call answers through `done`, on the core thread,
// possibly later (after the store thread). Implemented by the gateway.
// Thread: core.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "web/api_delegate.hpp"

namespace parley::web {

// A refusal the browser sees as {"error": code, "message": message} with
// `http_status` (403 forbidden / not_member, 404 not_found, 409 conflict,
// 400 bad_request, 413 too_large, 429 rate_limited with Retry-After ...).
struct ApiError {
  int http_status = 400;
  std::string code;
  std::string message;
  std::uint32_t retry_after = 0;  // seconds; 0 = no Retry-After
};
template <typename T>
using ApiResult = Result<T, ApiError>;
struct NoContent {};  // answered as 200 {}

// PresenceView (api_delegate.hpp, where UserEntry needs it too).

// api.md room object.
struct RoomView {
  std::string name;
  std::string title;
  std::string topic;
  std::string visibility = "public";  // "public" | "invite"
  std::string uri;                    // sip:~name@domain
  std::string role;                   // "owner" | "admin" | "member"; empty = null (not a member)
  bool joined = false;
  bool invited = false;
  std::uint64_t members = 0;
  std::uint64_t unread = 0;
  std::string last_id;  // newest message id; empty = null
};

struct MemberView {
  std::string name;
  std::string display_name;
  std::string role;  // empty = null (buddies)
  PresenceView presence;
};

// api.md stored message.
struct StoredMessageView {
  std::string id;
  std::string room;       // empty = null (a private message)
  std::string from;       // SIP URI
  std::string from_user;  // empty = null (outside sender)
  std::string to_user;    // empty = null (room message)
  std::string text;
  std::int64_t time_ms = 0;
};

struct HistoryPageView {
  std::vector<StoredMessageView> messages;  // oldest first
  bool more = false;
};

struct NewRoomRequest {
  std::string name;
  std::string title;
  std::string topic;
  std::string visibility = "public";
};

struct RoomChangeRequest {
  std::optional<std::string> title;
  std::optional<std::string> topic;
  std::optional<std::string> visibility;
};

struct HistoryRequest {
  std::string before;  // message id; empty = newest
  std::size_t limit = 50;
};

template <typename T>
using Done = std::function<void(ApiResult<T>)>;

class ChatDelegate {
 public:
  virtual ~ChatDelegate() = default;
  // `user` is the session's user (already authenticated by the API).
  virtual void list_rooms(const UserInfo& user, Done<std::vector<RoomView>> done) = 0;
  virtual void create_room(const UserInfo& user, NewRoomRequest room, Done<RoomView> done) = 0;
  virtual void update_room(const UserInfo& user, std::string room, RoomChangeRequest change,
                           Done<RoomView> done) = 0;
  virtual void delete_room(const UserInfo& user, std::string room, Done<NoContent> done) = 0;
  virtual void join_room(const UserInfo& user, std::string room, Done<RoomView> done) = 0;
  virtual void leave_room(const UserInfo& user, std::string room, Done<RoomView> done) = 0;
  virtual void invite(const UserInfo& user, std::string room, std::string invitee,
                      Done<NoContent> done) = 0;
  virtual void members(const UserInfo& user, std::string room,
                       Done<std::vector<MemberView>> done) = 0;
  virtual void room_history(const UserInfo& user, std::string room, HistoryRequest page,
                            Done<HistoryPageView> done) = 0;
  virtual void private_history(const UserInfo& user, std::string other, HistoryRequest page,
                               Done<HistoryPageView> done) = 0;
  virtual void mark_read(const UserInfo& user, std::string room, std::string last_id,
                         Done<NoContent> done) = 0;
  virtual void search(const UserInfo& user, std::string text, std::size_t limit,
                      Done<std::vector<StoredMessageView>> done) = 0;
  virtual void buddies(const UserInfo& user, Done<std::vector<MemberView>> done) = 0;
  virtual void add_buddy(const UserInfo& user, std::string buddy, Done<NoContent> done) = 0;
  virtual void remove_buddy(const UserInfo& user, std::string buddy, Done<NoContent> done) = 0;
  // WebSocket `presence.set`: the user's manual status (api.md). Refusals
  // (bad status) are the API's to send as an error frame before calling.
  virtual void set_presence(WebSessionId session, const UserInfo& user, std::string status,
                            std::string note) = 0;
};

}  // namespace parley::web
