// Presence aggregation per user (DESIGN.md "Presence"): it is told what each
// private identity does (online, in a call), what each device PUBLISHed and
// what the user picked in the browser, and computes the one state watchers
// see. Every setter returns the new aggregate only when it changed, so the
// caller fans out NOTIFYs and browser pushes exactly then. Owned by the
// gateway. Thread: core.
//
// Rules, first match wins:
//  1. Offline when no identity is online and no device has an open
//     publication (a PUBLISHing phone is registered, but its binding may live
//     on another node later; an open PUBLISH counts as presence on its own).
//  2. Manual do-not-disturb beats everything else, with the manual note.
//  3. In a call on any identity → on-the-phone (no note: the call is the news).
//  4. Otherwise the strongest of the manual status and every open device
//     publication, in Status order: dnd > on-the-phone > busy > away >
//     available. Why the strongest and not the latest: showing someone as
//     reachable while one of their devices says busy invites interruptions,
//     and a stale device state cannot stick, since publications expire
//     (RFC 3903) and the PublicationTable removes them. On a tie the manual
//     status wins, then the most recently published device; the note is the
//     winner's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "presence/presence_state.hpp"

namespace parley::presence {

class Aggregator {
 public:
  using Changed = std::optional<PresenceState>;

  // An identity (a registered contact, a web session: any stable key the
  // caller chooses, e.g. "sip:<binding key>" or "web:<session id>") came or went.
  Changed set_identity_online(std::string_view user, std::string_view identity, bool online);
  // A call (keyed by the caller, e.g. its Call-ID) started or ended for one of
  // the user's identities.
  Changed set_in_call(std::string_view user, std::string_view call, bool in_call);
  Changed set_manual(std::string_view user, ManualStatus status, std::string_view note);
  // A device publication (key: its entity tag) was made, modified, or is gone.
  Changed set_published(std::string_view user, std::string_view device, const PresenceState& state);
  Changed remove_published(std::string_view user, std::string_view device);

  PresenceState state_of(std::string_view user) const;
  // The manual choice, kept while the user is offline (it is a preference).
  ManualStatus manual_of(std::string_view user) const;
  bool in_call(std::string_view user) const;
  std::size_t user_count() const { return users_.size(); }

 private:
  struct Device {
    std::string key;
    PresenceState state;
    std::uint64_t order = 0;  // publication order, for ties
  };
  // What few users have: calls, a manual choice, published devices.
  struct Extra {
    std::vector<std::string> calls;
    ManualStatus manual = ManualStatus::Available;
    std::string note;
    std::vector<Device> devices;
    bool empty() const {
      return calls.empty() && devices.empty() && manual == ManualStatus::Available && note.empty();
    }
  };
  // One per user with anything online: the map holds every registered user,
  // so the common case (online identities only) stays small. Identities are
  // kept as 64-bit hashes of their keys: a user has a handful, and they are
  // only ever compared.
  struct User {
    std::vector<std::uint64_t> identities;  // online ones
    PresenceState current;
    std::unique_ptr<Extra> extra;
    Extra& more() {
      if (!extra) extra = std::make_unique<Extra>();
      return *extra;
    }
  };

  User& user(std::string_view name);
  Changed update(std::string_view name);
  static PresenceState compute(const User& u);

  std::unordered_map<std::string, User> users_;
  std::uint64_t publish_order_ = 0;
};

}  // namespace parley::presence
