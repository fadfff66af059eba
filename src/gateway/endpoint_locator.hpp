// Answers the proxy's "who is this Request-URI" with the user's endpoints:
// every registered contact of every SIP account of the user a public
// identity names (DESIGN.md "Identities"), and every open browser session of
// the user (through WebEndpoints). Trunk numbers join here in a later issue.
// Owned by SipService. Thread: core.
#pragma once

#include "base/clock.hpp"
#include "gateway/user_directory.hpp"
#include "gateway/web_endpoints.hpp"
#include "sip/proxy/endpoint.hpp"
#include "sip/registrar/registrar.hpp"

namespace parley::gateway {

class EndpointLocator final : public sip::Locator {
 public:
  EndpointLocator(const UserDirectory& directory, const sip::registrar::Registrar& registrar)
      : directory_(directory), registrar_(registrar) {}

  sip::Location locate(const sip::Uri& request_uri) override;
  // Browser sessions join the forks of their user from now on (nullptr: none).
  void set_web(WebEndpoints* web) { web_ = web; }

 private:
  void add_account(const std::string& username, TimePoint now, sip::Location& out) const;

  const UserDirectory& directory_;
  const sip::registrar::Registrar& registrar_;
  WebEndpoints* web_ = nullptr;
};

// The endpoint the proxy forks to for one registration binding.
sip::Endpoint endpoint_of(const sip::registrar::Binding& binding);

}  // namespace parley::gateway
