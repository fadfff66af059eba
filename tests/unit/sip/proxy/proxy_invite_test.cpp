// INVITE forking (RFC 3261 §16.6-§16.10): 100 Trying, Record-Route, relaying
// provisionals and the winning 2xx, cancelling the losers, choosing the best
// failure, Timer B and Timer C, CANCEL from the caller, and the stateless
// relay of the 2xx ACK and of in-dialog requests.
#include <gtest/gtest.h>

#include <algorithm>

#include "proxy_harness.hpp"

namespace parley::sip::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSdp = "v=0\r\no=bob 1 1 IN IP4 192.0.2.20\r\ns=-\r\nc=IN IP4 192.0.2.20\r\n"
                             "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

Req invite_from_bob() {
  Req r;
  r.method = "INVITE";
  r.call_id = "call-inv@test";
  r.branch = "z9hG4bKinv1";
  r.extra = {"Contact: <sip:bob@192.0.2.20:5060>", "Content-Type: application/sdp"};
  r.body = kSdp;
  return r;
}

std::vector<int> statuses(const std::vector<Sent>& sent, const Flow& peer) {
  std::vector<int> out;
  for (const Sent* s : to_peer(sent, peer)) {
    if (s->message.is_response()) out.push_back(s->message.status_code);
  }
  return out;
}

const Sent* method_to(const std::vector<Sent>& sent, const Flow& peer, Method m) {
  for (const Sent* s : to_peer(sent, peer)) {
    if (s->message.is_request() && s->message.method == m) return s;
  }
  return nullptr;
}

class ProxyInviteTest : public ProxyTest {
 protected:
  void SetUp() override { register_cast(); }

  // Sends bob's INVITE; checks 100 Trying and both branches.
  void start_call() {
    auto sent = deliver(invite_, bob_);
    EXPECT_EQ(statuses(sent, bob_), std::vector<int>{100});
    const Sent* p = only_to(sent, alice_phone_);
    const Sent* d = only_to(sent, alice_desk_);
    ASSERT_TRUE(p && d);
    phone_ = p->message;
    desk_ = d->message;
    for (const Sent* s : {p, d}) {
      EXPECT_EQ(s->message.method, Method::Invite);
      ASSERT_EQ(s->message.record_routes.size(), 1u) << s->wire;
      // Our address with ;lr; the NATed desk's entry also names its flow.
      const auto& rr = s->message.record_routes.front().uri;
      EXPECT_EQ(rr.host, "127.0.0.1");
      EXPECT_EQ(rr.port, 5060);
      EXPECT_TRUE(rr.params.has("lr")) << s->wire;
      EXPECT_EQ(rr.params.has("pflow"), s == d) << s->wire;
      ASSERT_EQ(s->message.vias.size(), 2u);
      EXPECT_EQ(s->message.vias[0].host, "127.0.0.1");
      EXPECT_EQ(s->message.max_forwards.value_or(0), 69u);
      EXPECT_EQ(s->message.body, kSdp);
    }
  }

  Req in_dialog(const std::string& method, const std::string& ruri, std::uint32_t cseq) {
    Req r;
    r.method = method;
    r.ruri = ruri;
    r.to = "sip:alice@localhost";
    r.to_tag = "t-phone";
    r.call_id = invite_.call_id;
    r.cseq = cseq;
    r.branch = "z9hG4bK" + method + std::to_string(cseq);
    r.extra = {"Route: <sip:127.0.0.1:5060;lr>"};
    return r;
  }

  Req invite_ = invite_from_bob();
  Message phone_;
  Message desk_;
};

TEST_F(ProxyInviteTest, RingingThenAnswerCancelsTheOtherBranch) {
  start_call();
  // 180 from the desk: relayed upstream without our Via.
  auto up = deliver(answer(desk_, 180, "t-desk"), alice_desk_);
  ASSERT_EQ(statuses(up, bob_), std::vector<int>{180});
  const Sent* ringing = only_to(up, bob_);
  ASSERT_NE(ringing, nullptr);
  ASSERT_EQ(ringing->message.vias.size(), 1u);
  EXPECT_EQ(ringing->message.vias[0].branch(), invite_.branch);
  EXPECT_EQ(ringing->message.to.tag(), "t-desk");

  // 200 from the phone: relayed upstream; CANCEL to the desk with its branch.
  auto sent = deliver(answer(phone_, 200, "t-phone", "<sip:alice-phone@192.0.2.11:5060>"),
                      alice_phone_);
  EXPECT_EQ(statuses(sent, bob_), std::vector<int>{200});
  const Sent* ok = only_to(sent, bob_);
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->message.record_routes.size(), 1u) << ok->wire;  // echoed by the callee
  const Sent* cancel = method_to(sent, alice_desk_, Method::Cancel);
  ASSERT_NE(cancel, nullptr);
  EXPECT_EQ(cancel->message.vias.size(), 1u) << cancel->wire;  // §9.1: only the branch's top Via
  EXPECT_EQ(cancel->message.vias[0].branch(), desk_.vias[0].branch());
  EXPECT_EQ(cancel->message.request_uri.to_string(), desk_.request_uri.to_string());
  EXPECT_EQ(cancel->message.cseq.number, desk_.cseq.number);
  EXPECT_EQ(cancel->message.cseq.method, Method::Cancel);
  EXPECT_TRUE(to_peer(sent, alice_phone_).empty());

  // The desk answers the CANCEL and its INVITE: 487 is absorbed (ACKed, not relayed).
  EXPECT_TRUE(deliver(answer(cancel->message, 200, "t-desk"), alice_desk_).empty());
  auto after = deliver(answer(desk_, 487, "t-desk"), alice_desk_);
  EXPECT_TRUE(to_peer(after, bob_).empty());
  const Sent* ack = method_to(after, alice_desk_, Method::Ack);
  ASSERT_NE(ack, nullptr);
  EXPECT_EQ(ack->message.vias[0].branch(), desk_.vias[0].branch());

  // A retransmitted 2xx from the phone still reaches the caller (§16.7 step 5).
  auto again = deliver(answer(phone_, 200, "t-phone", "<sip:alice-phone@192.0.2.11:5060>"),
                       alice_phone_);
  EXPECT_EQ(statuses(again, bob_), std::vector<int>{200});

  // Once the caller's ACK has passed, everything drains.
  deliver(in_dialog("ACK", "sip:alice-phone@192.0.2.11:5060", 1), bob_);
  auto rest = advance(10min);
  EXPECT_TRUE(statuses(rest, bob_).empty());
  EXPECT_EQ(proxy_->transactions().size(), 0u);
  EXPECT_FALSE(proxy_->next_deadline().has_value());
}

TEST_F(ProxyInviteTest, AckAndByeFollowTheRecordRoute) {
  start_call();
  deliver(answer(phone_, 200, "t-phone", "<sip:alice-phone@192.0.2.11:5060>"), alice_phone_);

  // ACK for the 2xx: new branch, Route to us; forwarded statelessly.
  Req ack = in_dialog("ACK", "sip:alice-phone@192.0.2.11:5060", 1);
  auto sent = deliver(ack, bob_);
  const Sent* fwd = only_to(sent, alice_phone_);
  ASSERT_NE(fwd, nullptr);
  EXPECT_EQ(sent.size(), 1u);
  EXPECT_EQ(fwd->message.method, Method::Ack);
  EXPECT_EQ(fwd->message.request_uri.to_string(), "sip:alice-phone@192.0.2.11:5060");
  EXPECT_TRUE(fwd->message.routes.empty()) << fwd->wire;
  ASSERT_EQ(fwd->message.vias.size(), 2u);
  EXPECT_EQ(fwd->message.vias[0].host, "127.0.0.1");
  EXPECT_EQ(fwd->message.max_forwards.value_or(0), 69u);

  // BYE from the caller goes to the Request-URI, our Route removed.
  Req bye = in_dialog("BYE", "sip:alice-phone@192.0.2.11:5060", 2);
  sent = deliver(bye, bob_);
  fwd = only_to(sent, alice_phone_);
  ASSERT_NE(fwd, nullptr);
  EXPECT_EQ(fwd->message.method, Method::Bye);
  EXPECT_TRUE(fwd->message.routes.empty()) << fwd->wire;
  EXPECT_EQ(fwd->message.request_uri.to_string(), "sip:alice-phone@192.0.2.11:5060");
  EXPECT_EQ(new_challenges(), 0u);
  auto up = deliver(answer(fwd->message, 200, "t-phone"), alice_phone_);
  EXPECT_EQ(statuses(up, bob_), std::vector<int>{200});
}

// A BYE with a To tag that did not come along our Record-Route is in no
// dialog we are on. Forked to alice's devices it would reach phones that
// were never in that dialog, and each unanswered branch would hold a
// transaction retransmitting for 32 s. RFC 3261 §12.2.2: 481 at once.
TEST_F(ProxyInviteTest, InDialogRequestNotAlongOurRouteIsAnswered481) {
  Req bye = in_dialog("BYE", "sip:alice@localhost", 2);
  bye.extra.clear();  // no Route to us: not along our Record-Route
  auto sent = deliver(bye, bob_);
  EXPECT_EQ(statuses(sent, bob_), std::vector<int>{481});
  EXPECT_TRUE(to_peer(sent, alice_phone_).empty());
  EXPECT_TRUE(to_peer(sent, alice_desk_).empty());
  // A stray ACK gets no answer and goes nowhere.
  Req ack = in_dialog("ACK", "sip:alice@localhost", 2);
  ack.extra.clear();
  EXPECT_TRUE(deliver(ack, bob_).empty());
  // Nothing is left to retransmit.
  EXPECT_TRUE(advance(40s).empty());
  EXPECT_FALSE(proxy_->next_deadline().has_value());
}

TEST_F(ProxyInviteTest, ByeFromTheCalleeReachesTheCaller) {
  start_call();
  deliver(answer(phone_, 200, "t-phone", "<sip:alice-phone@192.0.2.11:5060>"), alice_phone_);
  Req bye;
  bye.method = "BYE";
  bye.ruri = "sip:bob@192.0.2.20:5060";
  bye.from = "sip:alice@localhost";
  bye.from_tag = "t-phone";
  bye.to = "sip:bob@localhost";
  bye.to_tag = invite_.from_tag;
  bye.call_id = invite_.call_id;
  bye.branch = "z9hG4bKbyeback";
  bye.via = "UDP 192.0.2.11:5060";
  bye.extra = {"Route: <sip:127.0.0.1:5060;lr>"};
  auto sent = deliver(bye, alice_phone_);
  const Sent* fwd = only_to(sent, bob_);
  ASSERT_NE(fwd, nullptr);
  EXPECT_EQ(fwd->message.method, Method::Bye);
}

TEST_F(ProxyInviteTest, BusyBeatsNotFoundWhenAllBranchesFail) {
  start_call();
  auto a = deliver(answer(phone_, 486, "t-phone"), alice_phone_);
  EXPECT_TRUE(statuses(a, bob_).empty());
  EXPECT_NE(method_to(a, alice_phone_, Method::Ack), nullptr);  // §17.1.1.3
  auto b = deliver(answer(desk_, 404, "t-desk"), alice_desk_);
  EXPECT_EQ(statuses(b, bob_), std::vector<int>{486});
}

TEST_F(ProxyInviteTest, GlobalFailureCancelsTheOtherBranches) {
  start_call();
  deliver(answer(desk_, 180, "t-desk"), alice_desk_);
  auto sent = deliver(answer(phone_, 603, "t-phone"), alice_phone_);
  EXPECT_TRUE(statuses(sent, bob_).empty());  // wait for the desk's final
  const Sent* cancel = method_to(sent, alice_desk_, Method::Cancel);
  ASSERT_NE(cancel, nullptr);
  EXPECT_EQ(cancel->message.vias[0].branch(), desk_.vias[0].branch());
  auto fin = deliver(answer(desk_, 487, "t-desk"), alice_desk_);
  EXPECT_EQ(statuses(fin, bob_), std::vector<int>{603});
}

TEST_F(ProxyInviteTest, SilentBranchesTimeOutWith408) {
  start_call();
  auto sent = advance(Millis(32100));  // Timer B = 64*T1
  auto up = statuses(sent, bob_);
  ASSERT_FALSE(up.empty());
  EXPECT_EQ(up.front(), 408);
  EXPECT_TRUE(std::all_of(up.begin(), up.end(), [](int s) { return s == 408; }));
  EXPECT_FALSE(to_peer(sent, alice_phone_).empty());  // Timer A retransmissions went out
}

TEST_F(ProxyInviteTest, TimerCCancelsARingingCall) {
  start_call();
  deliver(answer(phone_, 180, "t-phone"), alice_phone_);
  deliver(answer(desk_, 180, "t-desk"), alice_desk_);
  auto sent = advance(182s);
  ASSERT_NE(method_to(sent, alice_phone_, Method::Cancel), nullptr);
  ASSERT_NE(method_to(sent, alice_desk_, Method::Cancel), nullptr);
  deliver(answer(phone_, 487, "t-phone"), alice_phone_);
  auto fin = deliver(answer(desk_, 487, "t-desk"), alice_desk_);
  EXPECT_EQ(statuses(fin, bob_), std::vector<int>{487});
}

TEST_F(ProxyInviteTest, ProvisionalResponsesResetTimerC) {
  // RFC 3261 §16.7 step 2: a 101-199 response MUST reset Timer C.
  start_call();
  deliver(answer(phone_, 180, "t-phone"), alice_phone_);
  deliver(answer(desk_, 180, "t-desk"), alice_desk_);
  advance(120s);
  deliver(answer(phone_, 183, "t-phone"), alice_phone_);
  deliver(answer(desk_, 183, "t-desk"), alice_desk_);
  auto sent = advance(100s);  // 220 s after the INVITE, 100 s after the last 183
  EXPECT_EQ(method_to(sent, alice_phone_, Method::Cancel), nullptr);
  EXPECT_EQ(method_to(sent, alice_desk_, Method::Cancel), nullptr);
  sent = advance(90s);  // now 190 s after the last 183
  EXPECT_NE(method_to(sent, alice_phone_, Method::Cancel), nullptr);
}

TEST_F(ProxyInviteTest, CancelledBranchThatNeverAnswersIsReleased) {
  // The desk rings, the phone answers, the desk accepts the CANCEL but never
  // sends 487 (a broken UA). RFC 3261 §9.1: 64*T1 after the CANCEL the branch
  // is given up; nothing may stay alive forever.
  start_call();
  deliver(answer(desk_, 180, "t-desk"), alice_desk_);
  auto sent = deliver(answer(phone_, 200, "t-phone", "<sip:alice-phone@192.0.2.11:5060>"),
                      alice_phone_);
  const Sent* cancel = method_to(sent, alice_desk_, Method::Cancel);
  ASSERT_NE(cancel, nullptr);
  deliver(answer(cancel->message, 200, "t-desk"), alice_desk_);
  // The caller ACKs the 2xx (stateless, no transaction).
  deliver(in_dialog("ACK", "sip:alice-phone@192.0.2.11:5060", 1), bob_);
  advance(10min);
  EXPECT_EQ(proxy_->transactions().size(), 0u);
  EXPECT_FALSE(proxy_->next_deadline().has_value());
}

TEST_F(ProxyInviteTest, CallerCancelStillEndsWhenOneBranchNeverSends487) {
  start_call();
  deliver(answer(phone_, 180, "t-phone"), alice_phone_);
  deliver(answer(desk_, 180, "t-desk"), alice_desk_);
  Req cancel = invite_;
  cancel.method = "CANCEL";
  cancel.extra.clear();
  cancel.body.clear();
  deliver(cancel, bob_);
  auto a = deliver(answer(desk_, 487, "t-desk"), alice_desk_);
  EXPECT_TRUE(statuses(a, bob_).empty());  // the phone still owes a final
  auto later = advance(33s);
  auto up = statuses(later, bob_);
  ASSERT_FALSE(up.empty());
  EXPECT_EQ(up.front(), 487);
  advance(10min);
  EXPECT_EQ(proxy_->transactions().size(), 0u);
}

TEST_F(ProxyInviteTest, CallerCancelWhileRinging) {
  start_call();
  deliver(answer(phone_, 180, "t-phone"), alice_phone_);
  deliver(answer(desk_, 180, "t-desk"), alice_desk_);
  Req cancel = invite_;
  cancel.method = "CANCEL";
  cancel.extra.clear();
  cancel.body.clear();
  auto sent = deliver(cancel, bob_);
  const Sent* ok = only_to(sent, bob_);
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->message.status_code, 200);
  EXPECT_EQ(ok->message.cseq.method, Method::Cancel);
  const Sent* c1 = method_to(sent, alice_phone_, Method::Cancel);
  const Sent* c2 = method_to(sent, alice_desk_, Method::Cancel);
  ASSERT_TRUE(c1 && c2);
  EXPECT_EQ(c1->message.vias[0].branch(), phone_.vias[0].branch());
  EXPECT_EQ(c2->message.vias[0].branch(), desk_.vias[0].branch());

  deliver(answer(c1->message, 200, "t-phone"), alice_phone_);
  auto a = deliver(answer(phone_, 487, "t-phone"), alice_phone_);
  EXPECT_TRUE(statuses(a, bob_).empty());
  auto b = deliver(answer(desk_, 487, "t-desk"), alice_desk_);
  EXPECT_EQ(statuses(b, bob_), std::vector<int>{487});
}

TEST_F(ProxyInviteTest, CallerCancelBeforeAnyProvisionalWaitsForOne) {
  start_call();
  Req cancel = invite_;
  cancel.method = "CANCEL";
  cancel.extra.clear();
  cancel.body.clear();
  auto sent = deliver(cancel, bob_);
  EXPECT_EQ(statuses(sent, bob_), std::vector<int>{200});
  // RFC 3261 §9.1: no CANCEL before a provisional response.
  EXPECT_EQ(method_to(sent, alice_phone_, Method::Cancel), nullptr);
  auto later = deliver(answer(phone_, 180, "t-phone"), alice_phone_);
  EXPECT_NE(method_to(later, alice_phone_, Method::Cancel), nullptr);
}

TEST_F(ProxyInviteTest, CancelMatchingNothingIs481) {
  Req cancel = invite_from_bob();
  cancel.method = "CANCEL";
  cancel.extra.clear();
  cancel.body.clear();
  auto sent = deliver(cancel, bob_);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.status_code, 481);
}

TEST_F(ProxyInviteTest, InviteRetransmissionGetsTryingAgainNotANewFork) {
  start_call();
  auto again = deliver(invite_, bob_);
  EXPECT_EQ(statuses(again, bob_), std::vector<int>{100});
  EXPECT_TRUE(to_peer(again, alice_phone_).empty());
  EXPECT_TRUE(to_peer(again, alice_desk_).empty());
  EXPECT_EQ(proxy_->stats().forks, 1u);
}

}  // namespace
}  // namespace parley::sip::test
