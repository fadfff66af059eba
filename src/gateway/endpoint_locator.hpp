// Answers the proxy's "who is this Request-URI" with the user's endpoints:
// every registered contact of every SIP account of the user a public
// identity names (DESIGN.md "Identities"). Browser sessions and trunk numbers
// join here in later issues. Owned by SipService. Thread: core.
#pragma once

#include "base/clock.hpp"
#include "gateway/user_directory.hpp"
#include "sip/proxy/endpoint.hpp"
#include "sip/registrar/registrar.hpp"

namespace parley::gateway {

class EndpointLocator final : public sip::Locator {
 public:
  EndpointLocator(const UserDirectory& directory, const sip::registrar::Registrar& registrar)
      : directory_(directory), registrar_(registrar) {}

  sip::Location locate(const sip::Uri& request_uri) override;

 private:
  void add_account(const std::string& username, TimePoint now, sip::Location& out) const;

  const UserDirectory& directory_;
  const sip::registrar::Registrar& registrar_;
};

// The endpoint the proxy forks to for one registration binding.
sip::Endpoint endpoint_of(const sip::registrar::Binding& binding);

}  // namespace parley::gateway
