// Converts between the registrar's in-memory bindings (steady-clock times,
// account usernames) and the store's persisted registrations (unix times,
// account ids), so registrations survive a restart. Thread: core.
#pragma once

#include <optional>

#include "base/clock.hpp"
#include "gateway/user_directory.hpp"
#include "sip/registrar/binding.hpp"
#include "store/types.hpp"

namespace parley::gateway {

// nullopt when the binding's account is no longer in the directory.
std::optional<store::Registration> to_registration(const sip::registrar::Binding& binding,
                                                   const UserDirectory& directory,
                                                   TimePoint now, std::int64_t unix_now);

// nullopt when the stored contact no longer parses or its account is gone.
std::optional<sip::registrar::Binding> to_binding(const store::Registration& registration,
                                                  const UserDirectory& directory,
                                                  TimePoint now, std::int64_t unix_now);

}  // namespace parley::gateway
