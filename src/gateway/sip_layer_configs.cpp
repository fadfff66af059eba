#include "gateway/sip_layer_configs.hpp"

#include <string>

namespace parley::gateway {

sip::Flow flow_of(const sip::transport::Source& s) {
  sip::Flow f;
  f.id = s.flow;
  f.reliable = s.reliable;
  f.host = s.remote_ip;
  f.port = s.remote_port;
  f.transport = std::string(sip::transport::to_string(s.protocol));
  return f;
}

sip::transport::TransportConfig transport_config(const SipServiceConfig& c) {
  sip::transport::TransportConfig t;
  t.listen = c.listen;
  t.max_connections = c.max_connections;
  t.idle_timeout = std::chrono::seconds(c.idle_timeout);
  t.tls_certificate = c.tls_certificate;
  t.tls_private_key = c.tls_private_key;
  t.limits.max_message_size = c.max_message_size;
  return t;
}

sip::registrar::RegistrarConfig registrar_config(const SipServiceConfig& c) {
  sip::registrar::RegistrarConfig r;
  r.default_expires = Seconds(c.default_expires);
  r.min_expires = Seconds(c.min_expires);
  r.max_expires = Seconds(c.max_expires);
  return r;
}

sip::auth::DigestConfig digest_config(const SipServiceConfig& c) {
  sip::auth::DigestConfig d;
  d.realm = c.domain;
  d.offer_sha256 = c.digest_sha256;
  d.offer_md5 = c.digest_md5;
  d.md5_only_agents = c.md5_only_agents;
  return d;
}

}  // namespace parley::gateway
