// The requests the element answers itself: REGISTER (RFC 3261 §10.3) and
// OPTIONS addressed to the server (§11).
#include "base/log.hpp"
#include "base/strings.hpp"
#include "sip/message/response_builder.hpp"
#include "sip/proxy/proxy.hpp"

namespace parley::sip {

namespace {

constexpr std::string_view kAllow = "INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, REGISTER";
// Extensions the registrar understands: RFC 3327 Path. (RFC 5626 outbound
// would oblige us to answer STUN keep-alives on the SIP port.)
bool supported_option(std::string_view option) {
  return iequals(option, "path");
}

}  // namespace

void Proxy::on_register(TransactionId txn, Message& req, const Flow& from, TimePoint now) {
  // RFC 3261 §10.3 step 2: Require options we do not know.
  std::string unsupported;
  for (const auto& option : req.header_list("Require")) {
    if (!supported_option(option)) unsupported += (unsupported.empty() ? "" : ", ") + option;
  }
  if (!unsupported.empty()) return respond(txn, req, 420, now, {Header{"Unsupported", unsupported}});

  // Step 3: REGISTER is always authenticated, trusted sources included.
  auto result = deps_.authenticator.verify(req, auth::ChallengeKind::Www, from.host, now,
                                           deps_.credentials);
  if (!result.ok()) {
    if (result.outcome != auth::AuthOutcome::Missing) {
      ++stats_.auth_failures;
      log_->info("event=register-auth-failed user={} reason={} source={}:{}", result.username,
                 result.reason, from.host, from.port);
    }
    auto [status, headers] = make_challenge(req, from, auth::ChallengeKind::Www,
                                            result.outcome == auth::AuthOutcome::Stale, now);
    return respond(txn, std::move(req), status, now, std::move(headers));
  }

  registrar::RequestContext ctx;
  ctx.account = result.username;
  ctx.source = registrar::Source{from.transport, from.host, from.port, from.reliable ? from.id : 0};
  auto outcome = deps_.registrar.handle_register(req, ctx, now);
  std::vector<Header> extra;
  if (outcome.status == 423) {
    extra.push_back(Header{"Min-Expires", std::to_string(outcome.min_expires)});
  }
  if (outcome.status != 200) return respond(txn, req, outcome.status, now, std::move(extra));

  ++stats_.registers_ok;
  if (!outcome.changes.empty()) deps_.observer.on_binding_changes(std::move(outcome.changes));
  std::vector<Header> echoed;
  // RFC 3327 §5.3: the registrar echoes the Path it stored.
  for (auto path : req.header_values("Path")) echoed.push_back(Header{"Path", std::string(path)});
  Message resp = make_response(std::move(req), 200);
  if (resp.to.tag().empty()) resp.to.params.set("tag", to_tag_);
  resp.contacts = std::move(outcome.contacts);
  for (auto& h : echoed) resp.headers.push_back(std::move(h));
  if (outcome.outbound) resp.add_header("Require", "outbound");
  resp.add_header("Server", config_.server_name);
  send_final(txn, std::move(resp), now);
}

void Proxy::on_local_options(TransactionId txn, const Message& req, TimePoint now) {
  respond(txn, req, 200, now,
          {Header{"Allow", std::string(kAllow)}, Header{"Accept", "application/sdp, text/plain"},
           Header{"Supported", "path"}});
}

}  // namespace parley::sip
