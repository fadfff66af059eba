// The three cores wired the way README.md tells the gateway to: a phone's
// PUBLISH and the browser's status reach a SIP watcher as NOTIFYs.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "presence/aggregator.hpp"
#include "presence/pidf.hpp"
#include "presence/publication_table.hpp"
#include "presence/subscription_table.hpp"
#include "sip/message/parser.hpp"

namespace parley::presence {
namespace {

using namespace std::chrono_literals;

class Directory : public PresenceDirectory {
 public:
  explicit Directory(const Aggregator& a) : aggregator_(a) {}
  bool user_exists(std::string_view u) const override { return u == "alice" || u == "bob"; }
  bool may_watch(std::string_view, std::string_view) const override { return true; }
  PresenceState state_of(std::string_view u) const override { return aggregator_.state_of(u); }

 private:
  const Aggregator& aggregator_;
};

sip::Message parse(const std::string& text) {
  auto m = sip::parse_message(text, sip::Framing::Datagram);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().reason);
  return m.ok() ? std::move(m).value() : sip::Message{};
}

class PresenceFlowTest : public ::testing::Test {
 protected:
  PresenceFlowTest() : directory_(aggregator_), subs_(config(), directory_) {}
  static SubscriptionConfig config() {
    SubscriptionConfig c;
    c.domain = "example.com";
    c.seed = 3;
    return c;
  }
  // What the gateway does with an aggregate change: NOTIFY every watcher.
  std::vector<OutgoingNotify> apply(Aggregator::Changed changed, std::string_view user) {
    if (!changed) return {};
    return subs_.on_presence_changed(user, now_);
  }
  OutgoingNotify subscribe_bob_to_alice() {
    auto r = subs_.handle_subscribe(parse(
        "SUBSCRIBE sip:alice@example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 192.0.2.5;branch=z9hG4bK1\r\n"
        "From: <sip:bob@example.com>;tag=b1\r\nTo: <sip:alice@example.com>\r\n"
        "Call-ID: flow-1\r\nCSeq: 1 SUBSCRIBE\r\nContact: <sip:bob@192.0.2.5>\r\n"
        "Event: presence\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n"),
        SubscribeContext{"bob", Flow{"UDP", "192.0.2.5", 5060, 0}}, now_);
    EXPECT_EQ(r.response.status_code, 200);
    EXPECT_TRUE(r.notify);
    return r.notify ? *r.notify : OutgoingNotify{};
  }
  PublishResult publish_from_alices_phone(Status s) {
    std::string body = encode_pidf("sip:alice@example.com", {s, ""});
    return pubs_.handle_publish(parse(
        "PUBLISH sip:alice@example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK2\r\n"
        "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:alice@example.com>\r\n"
        "Call-ID: flow-2\r\nCSeq: 1 PUBLISH\r\nEvent: presence\r\nExpires: 120\r\n"
        "Content-Type: application/pidf+xml\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body), "alice", now_);
  }
  static Status notified(const OutgoingNotify& n) {
    auto doc = decode_pidf(n.request.body);
    return doc ? device_state(*doc).status : Status::Offline;
  }

  TimePoint now_ = TimePoint{} + 5000h;
  Aggregator aggregator_;
  PublicationTable pubs_;
  Directory directory_;
  SubscriptionTable subs_;
};

TEST_F(PresenceFlowTest, WatcherSeesOfflineAvailableBusyOnThePhoneDndAndOfflineAgain) {
  auto first = subscribe_bob_to_alice();
  EXPECT_EQ(notified(first), Status::Offline);
  auto ack = [&](const std::vector<OutgoingNotify>& out) {
    for (const auto& n : out) subs_.on_notify_response(n.id, 200, now_);
  };
  ack({first});

  auto out = apply(aggregator_.set_identity_online("alice", "web:1", true), "alice");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(notified(out[0]), Status::Available);
  ack(out);

  auto pub = publish_from_alices_phone(Status::Busy);
  ASSERT_EQ(pub.response.status_code, 200);
  ASSERT_TRUE(pub.change);
  out = apply(aggregator_.set_published("alice", pub.change->device, *pub.change->state), "alice");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(notified(out[0]), Status::Busy);
  ack(out);

  out = apply(aggregator_.set_in_call("alice", "call-9", true), "alice");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(notified(out[0]), Status::OnThePhone);
  ack(out);

  out = apply(aggregator_.set_manual("alice", ManualStatus::Dnd, ""), "alice");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(notified(out[0]), Status::Dnd);
  ack(out);
  EXPECT_TRUE(apply(aggregator_.set_in_call("alice", "call-9", false), "alice").empty());

  // The phone's publication expires; alice's browser goes away.
  now_ += 121s;
  for (const auto& gone : pubs_.expire(now_)) {
    EXPECT_TRUE(apply(aggregator_.remove_published(gone.user, gone.device), gone.user).empty());
  }
  out = apply(aggregator_.set_identity_online("alice", "web:1", false), "alice");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(notified(out[0]), Status::Offline);
  EXPECT_EQ(out[0].request.cseq.number, 6u);
}

}  // namespace
}  // namespace parley::presence
