// What the proxy reports to the layers above: registration changes to
// persist (and, later, to drive presence). Thread: core.
#pragma once

#include <vector>

#include "sip/registrar/binding.hpp"

namespace parley::sip {

class ProxyObserver {
 public:
  virtual ~ProxyObserver() = default;
  virtual void on_binding_changes(const std::vector<registrar::BindingChange>& changes) = 0;
};

}  // namespace parley::sip
