// Room and private message fan-out, planned without I/O: given the members
// and, per member, their private identities with the endpoints online now,
// which endpoint gets the message in which form, and which offline
// identities get it queued for later. The gateway gathers the inputs
// (registrar bindings, web sessions), stores the message with the queue list
// (store::MessageRepository::append) and then sends the deliveries.
// Pure functions of plain values. Thread: any (the gateway calls it on core).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/strong_id.hpp"

namespace parley::chat {

enum class EndpointKind { Web, Sip };

// One place a private identity is reachable right now: a browser session
// (address = the session id) or a registered SIP contact (address = the
// binding/flow key the gateway uses). Opaque to chat.
struct Endpoint {
  EndpointKind kind = EndpointKind::Web;
  std::string address;
  std::vector<std::string> accept;  // SIP: the device's Accept entries; empty = unknown
};

// A private identity (a SIP account, a user's web login ...). `key` names its
// offline queue; no endpoints = offline.
struct Identity {
  std::string key;
  std::vector<Endpoint> endpoints;
};

struct MemberIdentities {
  UserId user;
  std::vector<Identity> identities;
};

// How one endpoint receives the message.
enum class Representation {
  Web,         // the browser API's message frame
  Cpim,        // SIP MESSAGE from the room URI, message/cpim naming the sender
  PlainNamed,  // SIP MESSAGE from the room URI, text/plain "alice: hello"
  Plain,       // SIP MESSAGE from the sender's own URI, text/plain body as is (private)
};

struct Delivery {
  UserId user;
  std::string identity;
  EndpointKind kind = EndpointKind::Web;
  std::string address;
  Representation representation = Representation::Web;
};

struct FanoutPlan {
  std::vector<Delivery> deliveries;
  std::vector<std::string> queue;  // identity keys to store the message for
  bool needs_cpim = false;         // some delivery is Cpim
  bool needs_plain_named = false;  // some delivery is PlainNamed
};

// Where the message came from: that endpoint gets no copy (it has its
// answer) and its identity is never queued. Empty for server-made messages.
struct Origin {
  std::string identity;
  std::string address;
};

// The form one endpoint gets: what the planners use, and what the gateway
// uses for one device when it delivers queued messages on REGISTER.
Representation representation_for(const Endpoint& endpoint, bool room);

FanoutPlan plan_room_fanout(std::span<const MemberIdentities> members, const Origin& origin);
// A one-to-one message: `parties` are the recipient and the sender (whose
// other endpoints get a copy, as the browser API's direction "out").
FanoutPlan plan_private_fanout(std::span<const MemberIdentities> parties, const Origin& origin);

// The texts a room message is sent as, rendered once per message and shared
// by every delivery of the same representation.
struct RoomMessageView {
  std::string sender_name;          // user name, e.g. "alice"
  std::string sender_display_name;  // may be empty
  std::string sender_uri;           // sip:alice@DOMAIN
  std::string room_uri;             // sip:~lobby@DOMAIN
  std::string body;
  std::int64_t created_at_ms = 0;
};

// "alice: hello" (RFC 3428 devices without CPIM see who wrote); the name has
// no control characters, so it cannot fake a second line's sender.
std::string plain_named_text(std::string_view sender_name, std::string_view body);
std::string room_cpim_body(const RoomMessageView& message);
// A queued message delivered late to a text/plain device, which has no
// DateTime: the original time goes in front, "[2026-11-30 09:45 UTC] alice:
// hello" (room, PlainNamed) or "[2026-11-30 09:45 UTC] hello" (private,
// empty sender name).
std::string late_plain_text(std::string_view sender_name, std::string_view body,
                            std::int64_t created_at_ms);
inline constexpr std::string_view kPlainContentType = "text/plain;charset=UTF-8";

}  // namespace parley::chat
