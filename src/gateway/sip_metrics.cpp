// The SIP half of /metrics: a SipSnapshot in Prometheus text format.
#include <fmt/format.h>

#include <cstdint>
#include <iterator>
#include <string_view>

#include "gateway/sip_service.hpp"

namespace parley::gateway {
namespace {

struct Sample {
  std::string_view labels;  // `{side="in"}` or empty
  std::uint64_t value;
};

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            std::initializer_list<Sample> samples) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  for (const Sample& s : samples) fmt::format_to(std::back_inserter(out), "{}{} {}\n", name, s.labels, s.value);
}

}  // namespace

void write_prometheus(const SipSnapshot& s, std::string& out) {
  const auto& t = s.transaction_stats;
  const auto& p = s.proxy_stats;
  const auto& c = s.transport;
  family(out, "parley_sip_transactions", "gauge",
         "Live SIP transactions, those waiting out Timers J, K, L, M and D included.",
         {{"", s.transactions}});
  family(out, "parley_sip_transaction_timers", "gauge", "Running SIP transaction timers.",
         {{"", s.transaction_timers}});
  family(out, "parley_sip_transactions_created_total", "counter", "SIP transactions created.",
         {{"{side=\"server\"}", t.server_created}, {"{side=\"client\"}", t.client_created}});
  family(out, "parley_sip_requests_refused_total", "counter",
         "Requests that got no transaction: table full (503) or malformed (400).",
         {{"{reason=\"overload\"}", t.refused_overload}, {"{reason=\"malformed\"}", t.refused_malformed}});
  family(out, "parley_sip_retransmissions_received_total", "counter",
         "Requests absorbed or answered by their server transaction.", {{"", t.retransmissions_received}});
  family(out, "parley_sip_stray_total", "counter", "Responses and ACKs matching no transaction.",
         {{"{kind=\"response\"}", t.stray_responses}, {"{kind=\"ack\"}", t.stray_acks}});
  family(out, "parley_sip_transaction_timeouts_total", "counter", "Timers B, F and H that fired.",
         {{"", t.timeouts}});
  family(out, "parley_sip_registrar_bindings", "gauge", "Registered contacts.", {{"", s.bindings}});
  family(out, "parley_sip_registrar_aors", "gauge", "Addresses of record with a contact.", {{"", s.aors}});
  family(out, "parley_sip_proxy_events_total", "counter", "What the proxy did with requests.",
         {{"{event=\"request\"}", p.requests},
          {"{event=\"register_ok\"}", p.registers_ok},
          {"{event=\"challenge\"}", p.challenges},
          {"{event=\"auth_failure\"}", p.auth_failures},
          {"{event=\"fork\"}", p.forks},
          {"{event=\"branch\"}", p.branches},
          {"{event=\"stateless_forward\"}", p.stateless_forwards},
          {"{event=\"local_response\"}", p.local_responses}});
  family(out, "parley_sip_messages_total", "counter", "SIP messages by transport kind and direction.",
         {{"{transport=\"udp\",direction=\"in\"}", c.datagrams_in},
          {"{transport=\"udp\",direction=\"out\"}", c.datagrams_out},
          {"{transport=\"stream\",direction=\"in\"}", c.stream_messages_in},
          {"{transport=\"stream\",direction=\"out\"}", c.stream_messages_out}});
  family(out, "parley_sip_keepalives_total", "counter", "CRLF keep-alive pings answered (RFC 5626).",
         {{"", c.keepalive_pings}});
  family(out, "parley_sip_bytes_total", "counter", "SIP bytes received and sent.",
         {{"{direction=\"in\"}", c.bytes_in}, {"{direction=\"out\"}", c.bytes_out}});
  family(out, "parley_sip_connections_open", "gauge", "Open TCP and TLS connections.",
         {{"", c.connections_open}});
  family(out, "parley_sip_connections_total", "counter", "TCP and TLS connection events.",
         {{"{event=\"accepted\"}", c.connections_accepted},
          {"{event=\"connected\"}", c.connections_connected},
          {"{event=\"refused\"}", c.connections_refused},
          {"{event=\"closed\"}", c.connections_closed},
          {"{event=\"idle_closed\"}", c.idle_closes},
          {"{event=\"tls_handshake_failed\"}", c.tls_handshake_failures}});
  family(out, "parley_sip_anomalies_total", "counter", "Bad input and failed sends.",
         {{"{kind=\"parse_error\"}", c.parse_errors},
          {"{kind=\"error_response\"}", c.error_responses},
          {"{kind=\"send_failure\"}", c.send_failures},
          {"{kind=\"udp_send_drop\"}", c.udp_send_drops},
          {"{kind=\"write_queue_overflow\"}", c.write_queue_overflows}});
}

}  // namespace parley::gateway
