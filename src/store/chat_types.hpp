// Records of the chat store (rooms, members, invitations, messages, the
// offline queue): plain values copied between the store thread and the core.
// Times are unix milliseconds. Thread: any.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/strong_id.hpp"
#include "store/types.hpp"

namespace parley::store {

struct RoomIdTag {};
using RoomId = StrongId<RoomIdTag>;
struct MessageIdTag {};
using MessageId = StrongId<MessageIdTag>;

enum class RoomVisibility { Public, Invite };
enum class RoomRole { Member, Admin, Owner };  // ordered: a higher role may do more

struct Room {
  RoomId id;
  std::string name;  // lower-case, the user name rule; the SIP URI derives from it
  std::string display_name;
  std::string topic;
  UserId owner;  // invalid (0) once the owner's user was removed
  RoomVisibility visibility = RoomVisibility::Public;
  std::int64_t created_at = 0;
};

struct NewRoom {
  std::string name;
  std::string display_name;
  std::string topic;
  UserId owner;
  RoomVisibility visibility = RoomVisibility::Public;
};

struct RoomMember {
  UserId user;
  std::string user_name;
  std::string display_name;
  RoomRole role = RoomRole::Member;
  std::int64_t joined_at = 0;
};

// One row of room membership, for the core's in-memory cache at start.
struct Membership {
  RoomId room;
  UserId user;
  RoomRole role = RoomRole::Member;
};

struct Invitation {
  RoomId room;
  std::string room_name;
  UserId user;
  UserId invited_by;  // invalid if that user was removed
  std::int64_t created_at = 0;
};

// A message to store: exactly one of `room` and `recipient` is valid.
// `sender` is a user; when invalid, `sender_uri` names an outside SIP sender.
struct NewMessage {
  RoomId room;
  UserId recipient;
  UserId sender;
  std::string sender_uri;
  std::string body;
  std::string content_type = "text/plain";
  std::int64_t created_at = 0;
};

struct StoredMessage {
  MessageId id;
  RoomId room;
  UserId recipient;
  UserId sender;
  std::string sender_uri;
  std::string sender_name;  // the sending user's name, empty for an outside sender
  std::string body;
  std::string content_type;
  std::int64_t created_at = 0;
};

// A room's unread messages for one member: those after `last_read` not sent
// by the member itself, counted up to MessageRepository::kMaxUnreadCount.
struct UnreadCount {
  RoomId room;
  MessageId last_read;
  std::uint64_t unread = 0;
};

// One message to store and the identities to queue it for (append_many).
struct PendingAppend {
  NewMessage message;
  std::vector<std::string> offline;
};

// One page of history, oldest first; `more` says older messages exist.
struct HistoryPage {
  std::vector<StoredMessage> messages;
  bool more = false;
};

}  // namespace parley::store
