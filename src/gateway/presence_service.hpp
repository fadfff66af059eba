// Presence, wired (DESIGN.md "Presence", src/presence/README.md): one
// Aggregator fed by registrations, browser sessions, calls, the browser's
// status picker and devices' PUBLISH; SUBSCRIBE/NOTIFY for SIP watchers
// (who may watch: a shared room or a buddy, from the RoomCache); every
// change handed to `on_change` for the browsers. Refuses INVITEs to a user
// in do-not-disturb (486 with a Reason). Owned by serve(). Thread: core.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/room_cache.hpp"
#include "gateway/sip_events.hpp"
#include "gateway/sip_service.hpp"
#include "presence/presence_state.hpp"

namespace boost::asio {
class io_context;
}

namespace parley::gateway {

class PresenceService final : public SipEvents {
 public:
  PresenceService(boost::asio::io_context& core, SipService& sip, const RoomCache& rooms);
  ~PresenceService() override;
  PresenceService(const PresenceService&) = delete;
  PresenceService& operator=(const PresenceService&) = delete;

  // After SipService::start (our Contact needs the bound listener): marks
  // the restored registrations online and starts the expiry timer.
  void start();
  void stop();

  // A browser session's WebSocket opened / its last one closed.
  void set_web_online(std::uint64_t session, std::string_view user, bool online);
  // The browser's status picker; false for a status a person cannot pick.
  bool set_manual(std::string_view user, std::string_view status, std::string_view note);
  presence::PresenceState state_of(std::string_view user) const;
  bool is_dnd(std::string_view user) const;
  // Who may watch whom changed for `user` (room left, buddy removed ...).
  void recheck(std::string_view user);
  // Called with the user's new state after every change.
  void set_on_change(std::function<void(const std::string& user, const presence::PresenceState&)> f);

  // SipEvents
  bool take(sip::TransactionId txn, const sip::Message& request, const sip::Flow& from) override;
  void on_bindings(const std::vector<sip::registrar::BindingChange>& changes) override;
  void on_flow_closed(std::uint64_t flow) override;
  void on_call(const sip::Message& request, bool answered) override;

  std::size_t subscriptions() const;
  std::uint64_t notifies_sent() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "on-the-phone" → "on_the_phone": the browser API's spelling of a status.
std::string api_status_name(presence::Status status);

}  // namespace parley::gateway
