// ChatService's state and the helpers its three files share
// (chat_service.cpp: SIP MESSAGEs and fan-out; chat_offline.cpp: queued
// deliveries; chat_api.cpp: the browser API). Private to the gateway.
// Thread: core.
#pragma once

#include <deque>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "base/log.hpp"
#include "chat/fanout.hpp"
#include "chat/limits.hpp"
#include "chat/permissions.hpp"
#include "chat/refusal.hpp"
#include "gateway/chat_service.hpp"
#include "store/store.hpp"

namespace parley::gateway {

std::int64_t chat_wall_ms();
chat::Role to_chat_role(std::optional<store::RoomRole> role);
chat::Visibility to_chat_visibility(store::RoomVisibility v);
web::ApiError api_error(const chat::Refusal& r);
web::ApiError api_error(const store::StoreError& e);
web::ApiError no_such_user(std::string_view name);  // 404 not_found
std::string role_name(store::RoomRole role);
std::string message_id_text(store::MessageId id);
store::MessageId parse_message_id(std::string_view text);  // invalid when not a number

struct ChatService::Impl {
  Impl(boost::asio::io_context& core, SipService& s, StoreWorker& st, RoomCache& r,
       PresenceService& p, chat::ChatLimits l)
      : io(core), sip(s), store(st), rooms(r), presence(p), limits(l), rate(l) {}

  // ---- store thread round trips ----
  // Runs `job` on the store thread and `then` with its result on the core.
  template <typename Job, typename Then>
  void on_store(Job job, Then then) {
    store.post([this, job = std::move(job), then = std::move(then)](store::Store& s) mutable {
      auto result = job(s);
      boost::asio::post(io, [then = std::move(then), result = std::move(result)]() mutable {
        then(std::move(result));
      });
    });
  }
  using Appended = std::function<void(store::StoreResult<store::StoredMessage>)>;
  // Group commit: appends wait while one batch is on the store thread, then go together.
  void append(store::PendingAppend message, Appended done);
  void flush_appends();

  // ---- people ----
  const UserEntry* user_named(std::string_view name) const;  // user or account name
  const UserEntry* user_by_id(UserId id) const { return sip.directory().user(id); }
  std::string user_uri(std::string_view name) const;
  std::string room_uri(std::string_view room) const;

  // ---- SIP MESSAGE (chat_service.cpp) ----
  bool take_room_message(sip::TransactionId txn, const sip::Message& req, const sip::Flow& from,
                         const std::string& room);
  bool take_private_message(sip::TransactionId txn, const sip::Message& req, const sip::Flow& from);
  void post_to_room(const CachedRoom& room, const UserEntry& sender, std::string text,
                    const sip::Message& req, const sip::Flow& from, sip::TransactionId txn);
  void fan_out_room(const store::StoredMessage& m, const chat::FanoutPlan& plan,
                    const std::vector<sip::Endpoint>& targets);
  // The MESSAGE a device gets for a stored message (room or private, late or not).
  sip::Message device_message(const store::StoredMessage& m, const sip::Endpoint& to,
                              chat::Representation form, bool late) const;
  void send_to_device(const store::StoredMessage& m, const sip::Endpoint& to,
                      chat::Representation form, std::string identity, bool late,
                      std::function<void(bool delivered)> done);
  // A reply from a room's URI to the device (or browser) that sent a command.
  void reply_from_room(const std::string& room, const sip::Message& req, const sip::Flow& from,
                       const std::string& text);
  void command_join(const UserEntry& user, const std::string& room, const sip::Message& req,
                    const sip::Flow& from, const std::string& reply_room);
  void command_leave(const UserEntry& user, const std::string& room, const sip::Message& req,
                     const sip::Flow& from, const std::string& reply_room);
  std::vector<std::string> member_names(const CachedRoom& room) const;

  // ---- membership changes shared by commands and the browser API (chat_api.cpp) ----
  using Changed = std::function<void(chat::ChatStatus)>;
  void join(const UserEntry& user, const CachedRoom& room, Changed done);
  void leave(const UserEntry& user, const CachedRoom& room, Changed done);
  void room_event(const CachedRoom& room, std::string_view kind, std::string_view user,
                  std::string_view also_user = {});
  web::RoomView view_of(const CachedRoom& room, UserId user, std::uint64_t unread,
                        bool invited) const;
  web::StoredMessageView view_of(const store::StoredMessage& m) const;
  web::MemberView member_view(const UserEntry& u, std::optional<store::RoomRole> role) const;
  // The browser API's caller and the room it names (404 when either is
  // unknown), checked for `action` when one is given (its refusal otherwise).
  struct RoomContext {
    const UserEntry* me = nullptr;
    const CachedRoom* room = nullptr;
    chat::RoomAccess access;
  };
  web::ApiResult<RoomContext> room_context(const web::UserInfo& info, std::string_view room,
                                           std::optional<chat::RoomAction> action = std::nullopt) const;

  // ---- offline queue (chat_offline.cpp) ----
  void deliver_queued_to_account(const AccountEntry& account);
  void deliver_queued_to_session(web::WebSessionId session, const UserEntry& user);
  void note_queued(const std::vector<std::string>& identities);

  boost::asio::io_context& io;
  SipService& sip;
  StoreWorker& store;
  RoomCache& rooms;
  PresenceService& presence;
  chat::ChatLimits limits;
  chat::RateLimiter rate;
  WebPort* web = nullptr;
  ChatStats stats;

  std::vector<store::PendingAppend> appends;
  std::vector<Appended> appended;  // appends[i]'s callback
  bool append_in_flight = false;
  // Stored messages the search index has not seen: indexed in batches
  // (MessageRepository::index_pending), not in each message's commit.
  std::size_t unindexed = 0;
  static constexpr std::size_t kIndexEvery = 1000;
  void index_for_search();

  // Identities with messages waiting (so a REGISTER costs no store read
  // when there is nothing), and those being delivered right now.
  std::unordered_set<std::string> queued;
  std::unordered_set<std::string> delivering;
  // Queued messages pushed to a browser session, waiting for its ack: id -> (session, identity, message)
  struct WebPending {
    web::WebSessionId session;
    std::string identity;
    store::MessageId message;
  };
  std::unordered_map<std::string, WebPending> web_pending;
  // What each SIP account accepts (learnt from its MESSAGEs' Accept).
  std::unordered_map<std::string, std::vector<std::string>> accepts;
  std::uint64_t next_notice = 1;
  std::shared_ptr<spdlog::logger> log = log::get("chat");
};

}  // namespace parley::gateway
