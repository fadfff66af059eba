// SipServiceConfig (the [sip] section) translated for each SIP layer, and a
// transport source as the transaction layer's Flow. Free functions for
// SipService. Thread: any.
#pragma once

#include "gateway/sip_service.hpp"
#include "sip/auth/digest_authenticator.hpp"
#include "sip/registrar/register_request.hpp"
#include "sip/transaction/transaction_action.hpp"
#include "sip/transport/transport_types.hpp"

namespace parley::gateway {

sip::Flow flow_of(const sip::transport::Source& s);
sip::transport::TransportConfig transport_config(const SipServiceConfig& c);
sip::registrar::RegistrarConfig registrar_config(const SipServiceConfig& c);
sip::auth::DigestConfig digest_config(const SipServiceConfig& c);

}  // namespace parley::gateway
