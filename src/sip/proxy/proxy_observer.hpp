// What the proxy reports to the layers above: registration changes to
// persist (and, later, to drive presence). Thread: core.
#pragma once

#include <vector>

#include "sip/message/message.hpp"
#include "sip/registrar/binding.hpp"

namespace parley::sip {

class ProxyObserver {
 public:
  virtual ~ProxyObserver() = default;
  // The changes are the observer's to keep (moved, not copied, per REGISTER).
  virtual void on_binding_changes(std::vector<registrar::BindingChange> changes) = 0;
  // A call through us was answered (the first 2xx to a forked INVITE goes
  // upstream) / a BYE for it passed: presence shows "on the phone".
  virtual void on_call_answered(const Message& invite) { (void)invite; }
  virtual void on_call_ended(const Message& bye) { (void)bye; }
};

}  // namespace parley::sip
