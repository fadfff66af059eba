// Chatrooms and private messages, wired (src/chat/README.md "What the
// gateway must do"): MESSAGEs to room URIs (posts and /commands), private
// MESSAGEs to users (stored before they are acknowledged, forked to the
// user's endpoints, 202 when nothing is reachable, 480 in do-not-disturb),
// room fan-out to browsers and SIP devices, the offline queue delivered on
// REGISTER and on a browser's connect, and the browser API's rooms,
// history, search and buddies (web::ChatDelegate). The store thread does
// every disk access; the RoomCache answers the per-message questions.
// Owned by serve(). Thread: core.
#pragma once

#include <memory>
#include <string>
#include <unordered_set>

#include "chat/limits.hpp"
#include "gateway/presence_service.hpp"
#include "gateway/room_cache.hpp"
#include "gateway/sip_events.hpp"
#include "gateway/sip_service.hpp"
#include "gateway/store_worker.hpp"
#include "web/chat_delegate.hpp"

namespace boost::asio {
class io_context;
}

namespace parley::gateway {

// How the chat service reaches browsers. Implemented by WebService.
class WebPort {
 public:
  virtual ~WebPort() = default;
  virtual bool push_to_session(web::WebSessionId session, const std::string& json) = 0;
  virtual void push_to_user(std::string_view user, const std::string& json) = 0;
  virtual bool has_live_session(std::string_view user) const = 0;
};

struct ChatStats {
  std::uint64_t room_posts = 0;
  std::uint64_t private_messages = 0;
  std::uint64_t web_deliveries = 0;   // room.message frames pushed (per user)
  std::uint64_t sip_deliveries = 0;   // MESSAGEs sent to devices
  std::uint64_t queued = 0;           // identity-message pairs stored for later
  std::uint64_t late_deliveries = 0;  // queued messages delivered
  std::uint64_t store_batches = 0;
};

class ChatService final : public SipEvents, public web::ChatDelegate {
 public:
  ChatService(boost::asio::io_context& core, SipService& sip, StoreWorker& store, RoomCache& rooms,
              PresenceService& presence, chat::ChatLimits limits);
  ~ChatService() override;
  ChatService(const ChatService&) = delete;
  ChatService& operator=(const ChatService&) = delete;

  void attach_web(WebPort* web);
  // Identities with queued messages, read at start (before the core loop).
  void set_queued_identities(std::vector<std::string> identities);
  // Reloads rooms, members and buddies when the command line changed them.
  void follow_outside_changes();
  void stop();

  // A browser session's WebSocket opened: its user's missed private messages follow.
  void on_session_online(web::WebSessionId session, std::string_view user);
  // A browser acknowledged message `id`; true when it was one of the queued ones.
  bool on_ack(web::WebSessionId session, std::string_view id);
  const ChatStats& stats() const;
  // Who sees `user`'s presence in the browser: itself, its room mates and
  // buddy relations (the rule SIP watchers follow too).
  std::vector<std::string> presence_audience(std::string_view user) const;
  // The users whose presence `user` may see (the same rule, the other way).
  std::unordered_set<std::string> presence_watched_by(std::string_view user) const;

  // SipEvents
  bool take(sip::TransactionId txn, const sip::Message& request, const sip::Flow& from) override;
  void on_bindings(const std::vector<sip::registrar::BindingChange>& changes) override;

  // web::ChatDelegate
  void list_rooms(const web::UserInfo& user, web::Done<std::vector<web::RoomView>> done) override;
  void create_room(const web::UserInfo& user, web::NewRoomRequest room,
                   web::Done<web::RoomView> done) override;
  void update_room(const web::UserInfo& user, std::string room, web::RoomChangeRequest change,
                   web::Done<web::RoomView> done) override;
  void delete_room(const web::UserInfo& user, std::string room,
                   web::Done<web::NoContent> done) override;
  void join_room(const web::UserInfo& user, std::string room, web::Done<web::RoomView> done) override;
  void leave_room(const web::UserInfo& user, std::string room,
                  web::Done<web::RoomView> done) override;
  void invite(const web::UserInfo& user, std::string room, std::string invitee,
              web::Done<web::NoContent> done) override;
  void members(const web::UserInfo& user, std::string room,
               web::Done<std::vector<web::MemberView>> done) override;
  void room_history(const web::UserInfo& user, std::string room, web::HistoryRequest page,
                    web::Done<web::HistoryPageView> done) override;
  void private_history(const web::UserInfo& user, std::string other, web::HistoryRequest page,
                       web::Done<web::HistoryPageView> done) override;
  void mark_read(const web::UserInfo& user, std::string room, std::string last_id,
                 web::Done<web::NoContent> done) override;
  void search(const web::UserInfo& user, std::string text, std::size_t limit,
              web::Done<std::vector<web::StoredMessageView>> done) override;
  void buddies(const web::UserInfo& user, web::Done<std::vector<web::MemberView>> done) override;
  void add_buddy(const web::UserInfo& user, std::string buddy,
                 web::Done<web::NoContent> done) override;
  void remove_buddy(const web::UserInfo& user, std::string buddy,
                    web::Done<web::NoContent> done) override;
  void set_presence(web::WebSessionId session, const web::UserInfo& user, std::string status,
                    std::string note) override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::gateway
