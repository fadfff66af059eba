#include "presence/subscription_table.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "presence/pidf.hpp"
#include "sip/message/parser.hpp"
#include "sip/message/serializer.hpp"

namespace parley::presence {
namespace {

using namespace std::chrono_literals;

class FakeDirectory : public PresenceDirectory {
 public:
  bool user_exists(std::string_view user) const override { return users.count(std::string(user)) > 0; }
  bool may_watch(std::string_view watcher, std::string_view presentity) const override {
    return allowed.count({std::string(watcher), std::string(presentity)}) > 0;
  }
  PresenceState state_of(std::string_view user) const override {
    auto it = states.find(std::string(user));
    return it == states.end() ? PresenceState{} : it->second;
  }
  std::set<std::string> users{"alice", "bob", "carol"};
  std::set<std::pair<std::string, std::string>> allowed{{"bob", "alice"}, {"carol", "alice"}};
  std::map<std::string, PresenceState> states;
};

struct Sub {
  std::string target = "alice";
  std::string from_user = "bob";
  std::string from_tag = "wtag";
  std::string to_tag;  // in-dialog when set
  std::string call_id = "sub-call-1";
  std::uint32_t cseq = 1;
  std::string event = "presence";
  std::string expires;  // absent when empty
  std::string contact = "<sip:bob@192.0.2.9:5070;transport=tcp>";
  std::vector<std::string> extra;
};

sip::Message make(const Sub& s) {
  std::string t = "SUBSCRIBE sip:" + s.target + "@example.com SIP/2.0\r\n"
                  "Via: SIP/2.0/TCP 192.0.2.9:5070;branch=z9hG4bKs" + std::to_string(s.cseq) + "\r\n"
                  "Max-Forwards: 70\r\n"
                  "From: \"Bob\" <sip:" + s.from_user + "@example.com>;tag=" + s.from_tag + "\r\n"
                  "To: <sip:" + s.target + "@example.com>" +
                  (s.to_tag.empty() ? "" : ";tag=" + s.to_tag) + "\r\n"
                  "Call-ID: " + s.call_id + "\r\n"
                  "CSeq: " + std::to_string(s.cseq) + " SUBSCRIBE\r\n";
  if (!s.contact.empty()) t += "Contact: " + s.contact + "\r\n";
  if (!s.event.empty()) t += "Event: " + s.event + "\r\n";
  if (!s.expires.empty()) t += "Expires: " + s.expires + "\r\n";
  for (const auto& h : s.extra) t += h + "\r\n";
  t += "Content-Length: 0\r\n\r\n";
  auto m = sip::parse_message(t, sip::Framing::Datagram);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().reason) << "\n" << t;
  return m.ok() ? std::move(m).value() : sip::Message{};
}

std::string sub_state(const sip::Message& notify) {
  return std::string(notify.header("Subscription-State").value_or(""));
}

PresenceState body_state(const sip::Message& notify) {
  auto doc = decode_pidf(notify.body);
  EXPECT_TRUE(doc.ok()) << notify.body;
  return doc.ok() ? device_state(*doc) : PresenceState{};
}

class SubscriptionTableTest : public ::testing::Test {
 protected:
  SubscriptionTableTest() : table_(config(), dir_) {}
  static SubscriptionConfig config() {
    SubscriptionConfig c;
    c.domain = "example.com";
    auto contact = sip::parse_name_addr("<sip:parley@198.51.100.1:5060;transport=tcp>");
    c.contact = contact ? *contact : sip::NameAddr{};
    c.min_expires = 60;
    c.max_expires = 3600;
    c.default_expires = 1200;
    c.max_per_watcher = 3;
    c.max_per_presentity = 4;
    c.max_total = 5;
    c.seed = 7;
    return c;
  }
  SubscribeResult subscribe(const Sub& s, TimePoint at, std::uint64_t flow = 11,
                            std::string_view watcher = {}) {
    SubscribeContext ctx{watcher, Flow{"TCP", "192.0.2.9", 5070, flow}};
    return table_.handle_subscribe(make(s), ctx, at);
  }
  // A subscription that must be accepted; returns its 200.
  sip::Message accepted(const Sub& s, TimePoint at, std::uint64_t flow = 11) {
    auto r = subscribe(s, at, flow);
    EXPECT_EQ(r.response.status_code, 200) << r.response.reason;
    EXPECT_TRUE(r.notify);
    if (r.notify) table_.on_notify_response(r.notify->id, 200, at);
    return r.response;
  }

  TimePoint t0_ = TimePoint{} + 1000h;
  FakeDirectory dir_;
  SubscriptionTable table_;
};

TEST_F(SubscriptionTableTest, NewSubscriptionGets200AndAnImmediateNotify) {
  dir_.states["alice"] = {Status::Away, "lunch"};
  Sub s;
  s.expires = "600";
  s.extra = {"Record-Route: <sip:p1.example.com;lr>", "Record-Route: <sip:p2.example.com;lr>",
             "Accept: application/pidf+xml"};
  auto r = subscribe(s, t0_);
  ASSERT_EQ(r.response.status_code, 200);
  std::string local_tag = r.response.to.tag();
  EXPECT_FALSE(local_tag.empty());
  EXPECT_EQ(r.response.expires, 600u);
  ASSERT_EQ(r.response.contacts.size(), 1u);
  EXPECT_EQ(r.response.contacts[0].uri.host, "198.51.100.1");
  EXPECT_EQ(r.response.record_routes.size(), 2u);
  ASSERT_TRUE(r.notify);
  const sip::Message& n = r.notify->request;
  EXPECT_EQ(n.method, sip::Method::Notify);
  EXPECT_EQ(n.request_uri.to_string(), "sip:bob@192.0.2.9:5070;transport=tcp");
  EXPECT_EQ(n.call_id, "sub-call-1");
  EXPECT_EQ(n.from.uri.to_string(), "sip:alice@example.com");
  EXPECT_EQ(n.from.tag(), local_tag);
  EXPECT_EQ(n.to.uri.to_string(), "sip:bob@example.com");
  EXPECT_EQ(n.to.tag(), "wtag");
  EXPECT_EQ(n.cseq.number, 1u);
  EXPECT_EQ(n.cseq.method, sip::Method::Notify);
  EXPECT_EQ(n.max_forwards, 70u);
  ASSERT_EQ(n.contacts.size(), 1u);
  EXPECT_EQ(n.contacts[0].uri.host, "198.51.100.1");
  // RFC 3261 §12.1.1: the UAS route set is the Record-Route in order.
  ASSERT_EQ(n.routes.size(), 2u);
  EXPECT_EQ(n.routes[0].uri.host, "p1.example.com");
  EXPECT_EQ(n.routes[1].uri.host, "p2.example.com");
  EXPECT_EQ(n.header("Event").value_or(""), "presence");
  EXPECT_EQ(sub_state(n), "active;expires=600");
  EXPECT_EQ(n.content_type, "application/pidf+xml");
  EXPECT_EQ(body_state(n), (PresenceState{Status::Away, "lunch"}));
  auto doc = decode_pidf(n.body);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->entity, "sip:alice@example.com");
  EXPECT_EQ(r.notify->flow.flow_id, 11u);
  EXPECT_TRUE(n.vias.empty());  // the sender adds its own
  // It serializes as a valid request that parses back.
  auto back = sip::parse_message(sip::serialize(n), sip::Framing::Datagram);
  EXPECT_TRUE(back.ok());
  EXPECT_EQ(table_.size(), 1u);
  EXPECT_EQ(table_.count_for_watcher("bob"), 1u);
  EXPECT_EQ(table_.count_for_presentity("alice"), 1u);
}

TEST_F(SubscriptionTableTest, StrictRouterFirstGetsTheRequestUri) {
  Sub s;
  s.extra = {"Record-Route: <sip:strict.example.com>", "Record-Route: <sip:p2.example.com;lr>"};
  auto r = subscribe(s, t0_);
  ASSERT_TRUE(r.notify);
  const sip::Message& n = r.notify->request;
  EXPECT_EQ(n.request_uri.host, "strict.example.com");
  ASSERT_EQ(n.routes.size(), 2u);
  EXPECT_EQ(n.routes[0].uri.host, "p2.example.com");
  EXPECT_EQ(n.routes[1].uri.to_string(), "sip:bob@192.0.2.9:5070;transport=tcp");
}

TEST_F(SubscriptionTableTest, UnknownUserIs404AndWrongEventIs489) {
  Sub s;
  s.target = "nobody";
  EXPECT_EQ(subscribe(s, t0_).response.status_code, 404);
  Sub e;
  e.event = "dialog";
  auto r = subscribe(e, t0_);
  EXPECT_EQ(r.response.status_code, 489);
  EXPECT_EQ(r.response.header("Allow-Events").value_or(""), "presence");
  EXPECT_FALSE(r.notify);
  e.event.clear();
  EXPECT_EQ(subscribe(e, t0_).response.status_code, 489);
  EXPECT_EQ(table_.size(), 0u);
}

TEST_F(SubscriptionTableTest, UnauthorizedWatcherIs403SelfIsAllowed) {
  Sub s;
  s.target = "bob";
  s.from_user = "alice";  // alice may not watch bob
  auto r = subscribe(s, t0_);
  EXPECT_EQ(r.response.status_code, 403);
  EXPECT_FALSE(r.notify);
  // The authenticated account decides, not the From header.
  Sub spoof;
  spoof.from_user = "bob";
  EXPECT_EQ(subscribe(spoof, t0_, 11, "mallory").response.status_code, 403);
  Sub self;
  self.target = "carol";
  self.from_user = "carol";
  EXPECT_EQ(subscribe(self, t0_).response.status_code, 200);
}

TEST_F(SubscriptionTableTest, ExpiresBounds) {
  Sub s;
  s.expires = "30";
  auto r = subscribe(s, t0_);
  EXPECT_EQ(r.response.status_code, 423);
  EXPECT_EQ(r.response.header("Min-Expires").value_or(""), "60");
  s.expires = "999999";
  s.call_id = "c2";
  EXPECT_EQ(subscribe(s, t0_).response.expires, 3600u);
  s.expires.clear();
  s.call_id = "c3";
  auto d = subscribe(s, t0_);
  EXPECT_EQ(d.response.expires, 1200u);
  ASSERT_TRUE(d.notify);
  EXPECT_EQ(sub_state(d.notify->request), "active;expires=1200");
}

TEST_F(SubscriptionTableTest, ExpiresZeroOnANewSubscriptionIsAFetch) {
  dir_.states["alice"] = {Status::Busy, ""};
  Sub s;
  s.expires = "0";
  auto r = subscribe(s, t0_);
  EXPECT_EQ(r.response.status_code, 200);
  EXPECT_EQ(r.response.expires, 0u);
  ASSERT_TRUE(r.notify);
  EXPECT_EQ(sub_state(r.notify->request), "terminated;reason=timeout");
  EXPECT_EQ(body_state(r.notify->request).status, Status::Busy);
  EXPECT_EQ(table_.size(), 0u);
}

TEST_F(SubscriptionTableTest, AcceptMustAllowPidf) {
  Sub s;
  s.extra = {"Accept: application/xpidf+xml, text/plain"};
  auto r = subscribe(s, t0_);
  EXPECT_EQ(r.response.status_code, 406);
  EXPECT_EQ(r.response.header("Accept").value_or(""), "application/pidf+xml");
  s.extra = {"Accept: application/xpidf+xml", "Accept: application/pidf+xml;q=0.5"};
  EXPECT_EQ(subscribe(s, t0_).response.status_code, 200);
  s.call_id = "c2";
  s.extra = {"Accept: application/*"};
  EXPECT_EQ(subscribe(s, t0_).response.status_code, 200);
}

TEST_F(SubscriptionTableTest, NewSubscriptionNeedsAContact) {
  Sub s;
  s.contact.clear();
  EXPECT_EQ(subscribe(s, t0_).response.status_code, 400);
}

TEST_F(SubscriptionTableTest, RefreshInsideTheDialog) {
  Sub s;
  s.expires = "600";
  auto first = subscribe(s, t0_);
  ASSERT_TRUE(first.notify);
  table_.on_notify_response(first.notify->id, 200, t0_);
  Sub refresh = s;
  refresh.to_tag = first.response.to.tag();
  refresh.cseq = 2;
  refresh.contact = "<sip:bob@192.0.2.99:6000>";
  auto r = subscribe(refresh, t0_ + 500s, 12);
  ASSERT_EQ(r.response.status_code, 200);
  EXPECT_EQ(r.response.to.tag(), refresh.to_tag);
  EXPECT_EQ(r.response.expires, 600u);
  ASSERT_TRUE(r.notify);
  EXPECT_EQ(r.notify->id, first.notify->id);
  EXPECT_EQ(r.notify->request.cseq.number, 2u);
  EXPECT_EQ(r.notify->request.request_uri.to_string(), "sip:bob@192.0.2.99:6000");  // target refresh
  EXPECT_EQ(r.notify->flow.flow_id, 12u);
  EXPECT_EQ(sub_state(r.notify->request), "active;expires=600");
  EXPECT_EQ(table_.size(), 1u);
  // The first deadline passes without effect; the refreshed one ends it.
  EXPECT_TRUE(table_.expire(t0_ + 700s).empty());
  EXPECT_EQ(table_.remove_flow(11), 0u);  // moved to flow 12
  EXPECT_EQ(table_.expire(t0_ + 1100s).size(), 1u);
}

TEST_F(SubscriptionTableTest, UnknownDialogIs481) {
  accepted(Sub{}, t0_);
  Sub stray;
  stray.to_tag = "not-ours";
  stray.cseq = 2;
  EXPECT_EQ(subscribe(stray, t0_).response.status_code, 481);
  Sub other_id;
  other_id.to_tag = "x";
  other_id.event = "presence;id=9";
  EXPECT_EQ(subscribe(other_id, t0_).response.status_code, 481);
}

TEST_F(SubscriptionTableTest, RefreshWithOldCSeqIsRefused) {
  auto ok = accepted(Sub{}, t0_);
  Sub again;
  again.to_tag = ok.to.tag();
  again.cseq = 1;
  EXPECT_EQ(subscribe(again, t0_ + 1s).response.status_code, 500);
}

TEST_F(SubscriptionTableTest, UnsubscribeSendsTerminatedAndForgets) {
  auto ok = accepted(Sub{}, t0_);
  Sub bye;
  bye.to_tag = ok.to.tag();
  bye.cseq = 2;
  bye.expires = "0";
  auto r = subscribe(bye, t0_ + 10s);
  EXPECT_EQ(r.response.status_code, 200);
  EXPECT_EQ(r.response.expires, 0u);
  ASSERT_TRUE(r.notify);
  EXPECT_EQ(sub_state(r.notify->request), "terminated;reason=timeout");
  EXPECT_EQ(r.notify->request.cseq.number, 2u);
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_EQ(table_.count_for_watcher("bob"), 0u);
  bye.cseq = 3;
  EXPECT_EQ(subscribe(bye, t0_ + 11s).response.status_code, 481);
}

TEST_F(SubscriptionTableTest, ChangeNotifiesEveryWatcherOfThatPresentityOnly) {
  accepted(Sub{}, t0_);  // bob → alice
  Sub carol;
  carol.from_user = "carol";
  carol.call_id = "c-carol";
  accepted(carol, t0_, 21);
  Sub self;
  self.target = "bob";
  self.from_user = "bob";
  self.call_id = "c-self";
  accepted(self, t0_);
  dir_.states["alice"] = {Status::Dnd, "focus"};
  auto out = table_.on_presence_changed("alice", t0_ + 5s);
  ASSERT_EQ(out.size(), 2u);
  std::set<std::string> call_ids;
  for (const auto& n : out) {
    call_ids.insert(n.request.call_id);
    EXPECT_EQ(n.request.cseq.number, 2u);
    EXPECT_EQ(body_state(n.request), (PresenceState{Status::Dnd, "focus"}));
    EXPECT_EQ(sub_state(n.request).rfind("active;expires=", 0), 0u);
  }
  EXPECT_EQ(call_ids, (std::set<std::string>{"sub-call-1", "c-carol"}));
  EXPECT_TRUE(table_.on_presence_changed("nobody", t0_).empty());
}

TEST_F(SubscriptionTableTest, ChangesWhileANotifyIsInFlightAreCoalesced) {
  auto r = subscribe(Sub{}, t0_);  // its first NOTIFY is not answered yet
  ASSERT_TRUE(r.notify);
  dir_.states["alice"] = {Status::Away, ""};
  EXPECT_TRUE(table_.on_presence_changed("alice", t0_ + 1s).empty());
  dir_.states["alice"] = {Status::Busy, "later"};
  EXPECT_TRUE(table_.on_presence_changed("alice", t0_ + 2s).empty());
  EXPECT_FALSE(table_.on_notify_response(r.notify->id, 100, t0_ + 2s));  // provisional: nothing
  auto next = table_.on_notify_response(r.notify->id, 200, t0_ + 3s);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->request.cseq.number, 2u);
  EXPECT_EQ(body_state(next->request), (PresenceState{Status::Busy, "later"}));
  // Nothing pending now: the next answer releases nothing.
  EXPECT_FALSE(table_.on_notify_response(r.notify->id, 200, t0_ + 4s));
  EXPECT_EQ(table_.on_presence_changed("alice", t0_ + 5s).size(), 1u);
}

TEST_F(SubscriptionTableTest, ExpiryEndsWithTimeoutNotify) {
  Sub s;
  s.expires = "60";
  accepted(s, t0_);
  EXPECT_TRUE(table_.expire(t0_ + 59s).empty());
  auto out = table_.expire(t0_ + 60s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(sub_state(out[0].request), "terminated;reason=timeout");
  EXPECT_EQ(out[0].request.cseq.number, 2u);
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_TRUE(table_.on_presence_changed("alice", t0_ + 61s).empty());
}

TEST_F(SubscriptionTableTest, RemainingTimeCountsDown) {
  Sub s;
  s.expires = "600";
  accepted(s, t0_);
  auto out = table_.on_presence_changed("alice", t0_ + 100s + 500ms);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(sub_state(out[0].request), "active;expires=500");  // rounded up
}

TEST_F(SubscriptionTableTest, ConnectionLossDropsItsSubscriptionsSilently) {
  accepted(Sub{}, t0_, 11);
  Sub carol;
  carol.from_user = "carol";
  carol.call_id = "c-carol";
  accepted(carol, t0_, 22);
  EXPECT_EQ(table_.remove_flow(11), 1u);
  EXPECT_EQ(table_.remove_flow(11), 0u);
  EXPECT_EQ(table_.size(), 1u);
  auto out = table_.on_presence_changed("alice", t0_ + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].request.call_id, "c-carol");
  EXPECT_EQ(table_.remove_flow(0), 0u);  // connectionless: never a flow
}

TEST_F(SubscriptionTableTest, NotifyFailuresThatEndTheDialogRemoveTheSubscription) {
  for (int status : {481, 408}) {
    Sub s;
    s.call_id = "c" + std::to_string(status);
    auto r = subscribe(s, t0_);
    ASSERT_TRUE(r.notify);
    EXPECT_FALSE(table_.on_notify_response(r.notify->id, status, t0_ + 1s));
    EXPECT_EQ(table_.find(r.notify->id), nullptr) << status;
  }
  auto r = subscribe(Sub{}, t0_);
  ASSERT_TRUE(r.notify);
  table_.on_notify_response(r.notify->id, 500, t0_ + 1s);  // transient: kept
  EXPECT_NE(table_.find(r.notify->id), nullptr);
  EXPECT_EQ(table_.size(), 1u);
}

TEST_F(SubscriptionTableTest, Limits) {
  for (int i = 0; i < 3; ++i) {
    Sub s;
    s.call_id = "w" + std::to_string(i);
    accepted(s, t0_);
  }
  Sub fourth;
  fourth.call_id = "w3";
  EXPECT_EQ(subscribe(fourth, t0_).response.status_code, 403);  // per watcher
  Sub carol;
  carol.from_user = "carol";
  carol.call_id = "c1";
  accepted(carol, t0_);
  carol.call_id = "c2";
  EXPECT_EQ(subscribe(carol, t0_).response.status_code, 403);  // per presentity (4)
  Sub self;
  self.target = "carol";
  self.from_user = "carol";
  self.call_id = "s1";
  EXPECT_EQ(subscribe(self, t0_).response.status_code, 200);  // total reaches 5
  self.call_id = "s2";
  EXPECT_EQ(subscribe(self, t0_).response.status_code, 503);  // total
  EXPECT_EQ(table_.size(), 5u);
}

TEST_F(SubscriptionTableTest, RecheckRejectsWatchersNoLongerAllowed) {
  accepted(Sub{}, t0_);
  Sub carol;
  carol.from_user = "carol";
  carol.call_id = "c-carol";
  accepted(carol, t0_);
  dir_.allowed.erase({"carol", "alice"});
  auto out = table_.recheck("alice", t0_ + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].request.call_id, "c-carol");
  EXPECT_EQ(sub_state(out[0].request), "terminated;reason=rejected");
  EXPECT_EQ(table_.size(), 1u);
  auto gone = table_.remove_presentity("alice", t0_ + 2s);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(sub_state(gone[0].request), "terminated;reason=noresource");
  EXPECT_EQ(table_.size(), 0u);
}

TEST_F(SubscriptionTableTest, EventIdIsEchoed) {
  Sub s;
  s.event = "presence;id=abc";
  auto r = subscribe(s, t0_);
  ASSERT_TRUE(r.notify);
  EXPECT_EQ(r.notify->request.header("Event").value_or(""), "presence;id=abc");
  Sub refresh = s;
  refresh.to_tag = r.response.to.tag();
  refresh.cseq = 2;
  EXPECT_EQ(subscribe(refresh, t0_ + 1s).response.status_code, 200);
}

}  // namespace
}  // namespace parley::presence
