// The proxy's LocalService hook (proxy_local.cpp): requests for our domain
// the service takes after the sender check and answers (now or later) or
// forks, requests it originates as a user agent client (outcome reported
// once: the final response, 408 after Timer F, 503 on a transport error),
// what is left to normal routing, and the call observer events.
#include <gtest/gtest.h>

#include <functional>

#include "proxy_harness.hpp"
#include "sip/message/response_builder.hpp"

namespace parley::sip::test {
namespace {

using namespace std::chrono_literals;

struct Taken {
  TransactionId txn;
  Message request;
  Flow from;
};

struct Outcome {
  TransactionId client;
  int status = 0;
  std::optional<Message> response;
};

// Takes what `wants` says (nothing by default) and records every call.
class ScriptedService : public LocalService {
 public:
  bool take(TransactionId txn, const Message& request, const Flow& from, TimePoint now) override {
    ++offered;
    if (!wants || !wants(request)) return false;
    taken.push_back(Taken{txn, request, from});
    if (on_taken) on_taken(taken.back(), now);
    return true;
  }
  void on_originated_response(TransactionId client, int status, const Message* response,
                              TimePoint) override {
    outcomes.push_back(Outcome{client, status,
                               response ? std::optional<Message>(*response) : std::nullopt});
  }

  std::function<bool(const Message&)> wants;
  std::function<void(const Taken&, TimePoint)> on_taken;  // runs inside take()
  int offered = 0;
  std::vector<Taken> taken;
  std::vector<Outcome> outcomes;
};

class CallObserver : public RecordingObserver {
 public:
  void on_call_answered(const Message& invite) override { answered.push_back(invite.call_id); }
  void on_call_ended(const Message& bye) override { ended.push_back(bye.call_id); }
  std::vector<std::string> answered;
  std::vector<std::string> ended;
};

bool is_room(const Message& m) { return !m.request_uri.user.empty() && m.request_uri.user[0] == '~'; }

Req room_message(std::string call_id = "room-1@test") {
  Req r;
  r.ruri = "sip:~lobby@localhost";
  r.call_id = std::move(call_id);
  r.extra = {"Content-Type: text/plain"};
  r.body = "hello room";
  return r;
}

std::vector<int> statuses(const std::vector<Sent>& sent, const Flow& peer) {
  std::vector<int> out;
  for (const Sent* s : to_peer(sent, peer)) {
    if (s->message.is_response()) out.push_back(s->message.status_code);
  }
  return out;
}

// A request of our own as ChatService builds it: no Via, no Max-Forwards.
Message own_message(const std::string& call_id) {
  return parse("MESSAGE sip:alice-phone@192.0.2.11:5060 SIP/2.0\r\n"
               "From: <sip:~lobby@localhost>;tag=room1\r\n"
               "To: <sip:alice@localhost>\r\n"
               "Call-ID: " + call_id + "\r\n"
               "CSeq: 1 MESSAGE\r\n"
               "Content-Type: text/plain\r\n"
               "Content-Length: 9\r\n\r\nbob: hi!!");
}

class ProxyLocalServiceTest : public ProxyTest {
 protected:
  ProxyLocalServiceTest() {
    ProxyDeps deps{registrar_, authenticator_, directory_, directory_, directory_, sender_, calls_};
    deps.local = &service_;
    proxy_ = std::make_unique<Proxy>(config_, TransactionConfig{}, deps);
  }
  void SetUp() override { register_cast(); }

  // Our To tag, as the proxy puts it on its own answers (a 404 here).
  std::string proxy_to_tag() {
    Req r = room_message("probe@test");
    r.ruri = "sip:nobody@localhost";
    r.branch = "z9hG4bKprobe";
    auto sent = deliver(r, bob_);
    EXPECT_EQ(statuses(sent, bob_), std::vector<int>{404});
    return sent.empty() ? std::string() : std::string(sent[0].message.to.tag());
  }

  std::optional<TransactionId> originate_to_phone(const std::string& call_id) {
    sender_.sent.clear();
    return proxy_->originate(own_message(call_id), NextHop{"UDP", "192.0.2.11", 5060, 0}, now_);
  }

  ScriptedService service_;
  CallObserver calls_;
};

TEST_F(ProxyLocalServiceTest, TakenMessageIsAnsweredLaterWithOurToTag) {
  service_.wants = is_room;
  Req r = room_message();
  EXPECT_TRUE(deliver(r, bob_).empty());  // taken: nothing routed, nothing answered yet
  ASSERT_EQ(service_.taken.size(), 1u);
  EXPECT_EQ(service_.taken[0].request.body, "hello room");
  EXPECT_EQ(service_.taken[0].from.host, bob_.host);

  // A retransmission while the answer is pending is absorbed: no second take.
  EXPECT_TRUE(deliver(r, bob_).empty());
  EXPECT_EQ(service_.taken.size(), 1u);

  sender_.sent.clear();
  proxy_->answer(service_.taken[0].txn, service_.taken[0].request, 200, "OK", {}, now_);
  auto sent = std::move(sender_.sent);
  const Sent* ok = only_to(sent, bob_);
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->message.status_code, 200);
  ASSERT_EQ(ok->message.vias.size(), 1u);
  EXPECT_EQ(ok->message.vias[0].branch(), r.branch);
  EXPECT_EQ(ok->message.call_id, r.call_id);
  EXPECT_FALSE(ok->message.to.tag().empty());
  EXPECT_EQ(ok->message.to.tag(), proxy_to_tag());
}

TEST_F(ProxyLocalServiceTest, AnswerFromInsideTakeWithExtraHeaders) {
  service_.wants = is_room;
  service_.on_taken = [this](const Taken& t, TimePoint now) {
    proxy_->answer(t.txn, t.request, 403, "Only members may write", {Header{"Warning", "399 x"}},
                   now);
  };
  auto sent = deliver(room_message(), bob_);
  const Sent* s = only_to(sent, bob_);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->message.status_code, 403);
  EXPECT_EQ(s->message.reason, "Only members may write");
  EXPECT_EQ(s->message.header("Warning").value_or(""), "399 x");
  EXPECT_FALSE(s->message.to.tag().empty());
}

TEST_F(ProxyLocalServiceTest, ResponseBuiltByTheServiceKeepsItsOwnToTag) {
  service_.wants = is_room;
  deliver(room_message(), bob_);
  ASSERT_EQ(service_.taken.size(), 1u);
  Message resp = make_response(service_.taken[0].request, 202, "Accepted");
  resp.to.params.set("tag", "svc-tag");
  sender_.sent.clear();
  proxy_->answer(service_.taken[0].txn, std::move(resp), now_);
  const Sent* s = only_to(sender_.sent, bob_);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->message.status_code, 202);
  EXPECT_EQ(s->message.to.tag(), "svc-tag");
  EXPECT_TRUE(s->message.header("Server").has_value());
}

// After the answer, a retransmission must get the same answer (RFC 3261
// §17.2.2: the server transaction absorbs retransmissions for Timer J), not a
// second take: when the 200 to a room post is lost on UDP, the post must not
// be stored and fanned out twice. (Failed while Proxy::send_final abandoned
// the transaction of every final answer to a non-INVITE.)
TEST_F(ProxyLocalServiceTest, RetransmissionAfterTheAnswerIsNotTakenAgain) {
  service_.wants = is_room;
  Req r = room_message();
  deliver(r, bob_);
  ASSERT_EQ(service_.taken.size(), 1u);
  proxy_->answer(service_.taken[0].txn, service_.taken[0].request, 200, "OK", {}, now_);
  auto again = deliver(r, bob_);
  EXPECT_EQ(service_.taken.size(), 1u) << "the retransmitted MESSAGE was taken (posted) again";
  EXPECT_EQ(statuses(again, bob_), std::vector<int>{200});
}

TEST_F(ProxyLocalServiceTest, ForwardedLaterForksAndTheFirst200GoesUpstream) {
  service_.wants = [](const Message& m) { return m.request_uri.user == "alice"; };
  Req r;
  r.extra = {"Content-Type: text/plain"};
  r.body = "private";
  EXPECT_TRUE(deliver(r, bob_).empty());
  ASSERT_EQ(service_.taken.size(), 1u);

  // Later (after the store wrote it), the service hands it to the forking.
  Location loc = directory_.locate(service_.taken[0].request.request_uri);
  ASSERT_EQ(loc.endpoints.size(), 2u);
  sender_.sent.clear();
  proxy_->forward(service_.taken[0].txn, service_.taken[0].request, service_.taken[0].from,
                  loc.endpoints, now_);
  auto branches = std::move(sender_.sent);
  const Sent* phone = only_to(branches, alice_phone_);
  const Sent* desk = only_to(branches, alice_desk_);
  ASSERT_TRUE(phone && desk);
  EXPECT_EQ(branches.size(), 2u);
  for (const Sent* s : {phone, desk}) {
    EXPECT_EQ(s->message.method, Method::Message);
    ASSERT_EQ(s->message.vias.size(), 2u);
    EXPECT_EQ(s->message.vias[1].branch(), r.branch);
    EXPECT_EQ(s->message.body, "private");
  }
  EXPECT_EQ(directory_.locate_calls, 1);  // ours; the proxy did not look up again

  auto up = deliver(answer(desk->message, 200, "t-desk"), alice_desk_);
  EXPECT_EQ(statuses(up, bob_), std::vector<int>{200});
  auto more = deliver(answer(phone->message, 200, "t-phone"), alice_phone_);
  EXPECT_TRUE(statuses(more, bob_).empty());
  EXPECT_TRUE(service_.outcomes.empty());  // forks are not the service's own requests
  EXPECT_EQ(service_.taken.size(), 1u);
}

TEST_F(ProxyLocalServiceTest, ForwardToNoTargetsIs480) {
  service_.wants = [](const Message& m) { return m.request_uri.user == "alice"; };
  service_.on_taken = [this](const Taken& t, TimePoint now) {
    proxy_->forward(t.txn, t.request, t.from, {}, now);
  };
  Req r;
  auto sent = deliver(r, bob_);
  EXPECT_EQ(statuses(sent, bob_), std::vector<int>{480});
}

TEST_F(ProxyLocalServiceTest, OriginatedRequestGetsOurViaAndItsResponseGoesToTheService) {
  auto client = originate_to_phone("own-1@test");
  ASSERT_TRUE(client.has_value());
  const Sent* s = only_to(sender_.sent, alice_phone_);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->flow.transport, "UDP");
  const Message out = s->message;  // a copy: deliver() clears what was sent
  ASSERT_EQ(out.vias.size(), 1u) << s->wire;
  EXPECT_EQ(out.vias[0].host, "127.0.0.1");
  EXPECT_EQ(out.vias[0].port, 5060);
  EXPECT_EQ(out.vias[0].branch().rfind("z9hG4bK", 0), 0u);
  EXPECT_TRUE(out.vias[0].params.has("rport"));
  EXPECT_EQ(out.max_forwards.value_or(0), 70u);
  EXPECT_EQ(out.body, "bob: hi!!");

  // A provisional is not an outcome; the final response is, once.
  EXPECT_TRUE(deliver(answer(out, 180, "t-phone"), alice_phone_).empty());
  EXPECT_TRUE(service_.outcomes.empty());
  auto after = deliver(answer(out, 200, "t-phone"), alice_phone_);
  EXPECT_TRUE(after.empty());  // nothing relayed anywhere
  ASSERT_EQ(service_.outcomes.size(), 1u);
  EXPECT_EQ(service_.outcomes[0].client, *client);
  EXPECT_EQ(service_.outcomes[0].status, 200);
  ASSERT_TRUE(service_.outcomes[0].response.has_value());
  EXPECT_EQ(service_.outcomes[0].response->call_id, "own-1@test");
  // A retransmitted 200 is absorbed by the client transaction.
  deliver(answer(out, 200, "t-phone"), alice_phone_);
  EXPECT_EQ(service_.outcomes.size(), 1u);
  EXPECT_EQ(service_.offered, 0);
}

TEST_F(ProxyLocalServiceTest, OriginatedFailureStatusIsReported) {
  auto client = originate_to_phone("own-2@test");
  ASSERT_TRUE(client.has_value());
  const Sent* s = only_to(sender_.sent, alice_phone_);
  ASSERT_NE(s, nullptr);
  deliver(answer(s->message, 415, "t-phone"), alice_phone_);
  ASSERT_EQ(service_.outcomes.size(), 1u);
  EXPECT_EQ(service_.outcomes[0].status, 415);
}

TEST_F(ProxyLocalServiceTest, OriginatedWithoutAnswerIs408AfterTimerF) {
  auto client = originate_to_phone("own-3@test");
  ASSERT_TRUE(client.has_value());
  auto early = advance(31s);
  EXPECT_TRUE(service_.outcomes.empty());
  EXPECT_GT(to_peer(early, alice_phone_).size(), 3u);  // Timer E retransmissions
  advance(2s);  // past 64*T1 = 32 s
  ASSERT_EQ(service_.outcomes.size(), 1u);
  EXPECT_EQ(service_.outcomes[0].client, *client);
  EXPECT_EQ(service_.outcomes[0].status, 408);
  EXPECT_FALSE(service_.outcomes[0].response.has_value());
  advance(60s);
  EXPECT_EQ(service_.outcomes.size(), 1u);
  EXPECT_EQ(proxy_->transactions().size(), 0u);
}

TEST_F(ProxyLocalServiceTest, OriginatedWithATransportErrorIs503AtOnce) {
  sender_.fail_sends = true;
  auto client = originate_to_phone("own-4@test");
  // The outcome may arrive before originate() returns; it names the same id.
  ASSERT_EQ(service_.outcomes.size(), 1u);
  EXPECT_EQ(service_.outcomes[0].status, 503);
  EXPECT_FALSE(service_.outcomes[0].response.has_value());
  if (client) {
    EXPECT_EQ(service_.outcomes[0].client, *client);
  }
  sender_.fail_sends = false;
  advance(40s);
  EXPECT_EQ(service_.outcomes.size(), 1u);
}

TEST_F(ProxyLocalServiceTest, TransportErrorReportedLaterIs503) {
  auto client = originate_to_phone("own-5@test");
  ASSERT_TRUE(client.has_value());
  EXPECT_TRUE(service_.outcomes.empty());
  proxy_->on_send_failed(*client, now_);
  ASSERT_EQ(service_.outcomes.size(), 1u);
  EXPECT_EQ(service_.outcomes[0].client, *client);
  EXPECT_EQ(service_.outcomes[0].status, 503);
}

TEST_F(ProxyLocalServiceTest, NotTakenIsRoutedAsUsual) {
  service_.wants = [](const Message&) { return false; };
  Req r = room_message();
  r.ruri = "sip:nobody@localhost";
  EXPECT_EQ(statuses(deliver(r, bob_), bob_), std::vector<int>{404});
  r.ruri = "sip:carol@localhost";  // known, not registered
  r.call_id = "room-2@test";
  r.branch = "z9hG4bKclient2";
  EXPECT_EQ(statuses(deliver(r, bob_), bob_), std::vector<int>{480});
  r.ruri = "sip:alice@localhost";
  r.call_id = "room-3@test";
  r.branch = "z9hG4bKclient3";
  auto sent = deliver(r, bob_);
  EXPECT_EQ(to_peer(sent, alice_phone_).size(), 1u);
  EXPECT_EQ(to_peer(sent, alice_desk_).size(), 1u);
  EXPECT_EQ(service_.offered, 3);
  EXPECT_TRUE(service_.taken.empty());
}

TEST_F(ProxyLocalServiceTest, OfferedOnlyAfterTheSenderCheck) {
  service_.wants = [](const Message&) { return true; };
  Req r = room_message();
  r.via = "UDP 198.51.100.7:5060";
  auto sent = deliver(r, stranger_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.status_code, 407);
  EXPECT_EQ(service_.offered, 0);
  // Nor are REGISTER and requests leaving our domain offered.
  register_account("carol", "pw-carol", "<sip:carol@192.0.2.30:5060>", udp("192.0.2.30", 5060));
  Req out = room_message("relay@test");
  out.ruri = "sip:someone@example.com";
  out.branch = "z9hG4bKrelay";
  deliver(out, bob_);
  EXPECT_EQ(service_.offered, 0);
}

// INVITE from bob forked to alice's two devices; both answer 200.
TEST_F(ProxyLocalServiceTest, CallAnsweredOnceOnTheFirst2xxAndEndedOnBye) {
  Req invite;
  invite.method = "INVITE";
  invite.call_id = "call-obs@test";
  invite.branch = "z9hG4bKinvobs";
  invite.extra = {"Contact: <sip:bob@192.0.2.20:5060>"};
  auto sent = deliver(invite, bob_);
  EXPECT_EQ(service_.offered, 1);  // offered, not taken: forked as usual
  const Sent* phone = only_to(sent, alice_phone_);
  const Sent* desk = only_to(sent, alice_desk_);
  ASSERT_TRUE(phone && desk);
  EXPECT_TRUE(calls_.answered.empty());
  deliver(answer(desk->message, 180, "t-desk"), alice_desk_);
  EXPECT_TRUE(calls_.answered.empty());  // ringing is not answered

  auto up = deliver(answer(phone->message, 200, "t-phone", "<sip:alice-phone@192.0.2.11:5060>"),
                    alice_phone_);
  EXPECT_EQ(statuses(up, bob_), std::vector<int>{200});
  EXPECT_EQ(calls_.answered, std::vector<std::string>{"call-obs@test"});
  // The desk answers too before its CANCEL lands; still one call answered.
  deliver(answer(desk->message, 200, "t-desk", "<sip:alice-desk@10.0.0.5:5060>"), alice_desk_);
  deliver(answer(phone->message, 200, "t-phone", "<sip:alice-phone@192.0.2.11:5060>"),
          alice_phone_);
  EXPECT_EQ(calls_.answered.size(), 1u);
  EXPECT_TRUE(calls_.ended.empty());

  Req bye;
  bye.method = "BYE";
  bye.ruri = "sip:alice-phone@192.0.2.11:5060";
  bye.to = "sip:alice@localhost";
  bye.to_tag = "t-phone";
  bye.call_id = invite.call_id;
  bye.cseq = 2;
  bye.branch = "z9hG4bKbyeobs";
  bye.extra = {"Route: <sip:127.0.0.1:5060;lr>"};
  auto fwd = deliver(bye, bob_);
  EXPECT_EQ(to_peer(fwd, alice_phone_).size(), 1u);
  EXPECT_EQ(calls_.ended, std::vector<std::string>{"call-obs@test"});
  EXPECT_EQ(calls_.answered.size(), 1u);
}

TEST_F(ProxyLocalServiceTest, A2xxToAMessageIsNoCall) {
  Req r;
  r.body = "x";
  r.extra = {"Content-Type: text/plain"};
  auto sent = deliver(r, bob_);
  const Sent* phone = only_to(sent, alice_phone_);
  ASSERT_NE(phone, nullptr);
  deliver(answer(phone->message, 200, "t-phone"), alice_phone_);
  EXPECT_TRUE(calls_.answered.empty());
}

TEST_F(ProxyLocalServiceTest, TakenInviteAnsweredBusyIsNoCall) {
  service_.wants = [](const Message& m) { return m.method == Method::Invite; };
  service_.on_taken = [this](const Taken& t, TimePoint now) {
    proxy_->answer(t.txn, t.request, 486, "Do Not Disturb",
                   {Header{"Reason", "SIP;cause=486;text=\"Do not disturb\""}}, now);
  };
  Req invite;
  invite.method = "INVITE";
  invite.call_id = "call-dnd@test";
  invite.branch = "z9hG4bKinvdnd";
  invite.extra = {"Contact: <sip:bob@192.0.2.20:5060>"};
  auto sent = deliver(invite, bob_);
  EXPECT_EQ(statuses(sent, bob_), std::vector<int>{486});
  EXPECT_TRUE(to_peer(sent, alice_phone_).empty());
  // The INVITE server transaction keeps retransmitting the 486 until the ACK.
  auto later = advance(600ms);
  EXPECT_EQ(statuses(later, bob_), std::vector<int>{486});
  EXPECT_TRUE(calls_.answered.empty());
}

}  // namespace
}  // namespace parley::sip::test

namespace parley::sip::test {
namespace {

// A SUBSCRIBE refresh comes in the dialog to the Contact of our NOTIFYs,
// which names this server without a user part: it is offered to the
// service after the sender check (bob is a registered source); nobody
// taking it is 481, and such a request outside a dialog stays 404.
TEST_F(ProxyLocalServiceTest, InDialogRequestToOurOwnAddressIsOffered) {
  Req refresh;
  refresh.method = "SUBSCRIBE";
  refresh.ruri = "sip:127.0.0.1:5060";
  refresh.to = "sip:alice@localhost";
  refresh.to_tag = "our-dialog-tag";
  refresh.extra = {"Event: presence", "Expires: 600", "Contact: <sip:bob@192.0.2.20:5060>"};
  service_.wants = [](const Message& m) { return m.method == Method::Subscribe; };
  EXPECT_TRUE(deliver(refresh, bob_).empty());
  ASSERT_EQ(service_.taken.size(), 1u);
  EXPECT_EQ(service_.taken[0].request.to.tag(), "our-dialog-tag");

  service_.wants = nullptr;
  refresh.branch = "z9hG4bKrefresh2";
  refresh.cseq = 2;
  EXPECT_EQ(statuses(deliver(refresh, bob_), bob_), std::vector<int>{481});

  refresh.branch = "z9hG4bKnodialog";
  refresh.to_tag.clear();
  refresh.cseq = 3;
  EXPECT_EQ(statuses(deliver(refresh, bob_), bob_), std::vector<int>{404});
  EXPECT_EQ(service_.taken.size(), 1u);
}

}  // namespace
}  // namespace parley::sip::test
