#include "chat/fanout.hpp"

#include <gtest/gtest.h>

#include "chat/cpim.hpp"

namespace parley::chat {
namespace {

Endpoint web(std::string session) { return Endpoint{EndpointKind::Web, std::move(session), {}}; }
Endpoint phone(std::string contact, std::vector<std::string> accept = {}) {
  return Endpoint{EndpointKind::Sip, std::move(contact), std::move(accept)};
}

// alice: web login with two tabs, a CPIM softphone, an offline desk phone.
// bob: a plain-text phone, web login offline. carol: everything offline.
std::vector<MemberIdentities> room() {
  return {
      {UserId(1),
       {{"web:1", {web("s1"), web("s2")}},
        {"acct:10", {phone("c10", {"text/plain", "message/cpim"})}},
        {"acct:11", {}}}},
      {UserId(2), {{"acct:20", {phone("c20", {"text/plain"})}}, {"web:2", {}}}},
      {UserId(3), {{"acct:30", {}}, {"web:3", {}}}},
  };
}

std::string describe(const Delivery& d) {
  const char* form[] = {"web", "cpim", "named", "plain"};
  return d.identity + "/" + d.address + "/" + form[static_cast<int>(d.representation)];
}

std::vector<std::string> describe(const FanoutPlan& p) {
  std::vector<std::string> out;
  for (const auto& d : p.deliveries) out.push_back(describe(d));
  return out;
}

TEST(Fanout, EveryOnlineEndpointGetsItsFormAndOfflineIdentitiesAreQueued) {
  const auto members = room();
  const auto plan = plan_room_fanout(members, Origin{"web:2x", "none"});
  EXPECT_EQ(describe(plan), (std::vector<std::string>{"web:1/s1/web", "web:1/s2/web",
                                                      "acct:10/c10/cpim", "acct:20/c20/named"}));
  EXPECT_EQ(plan.queue, (std::vector<std::string>{"acct:11", "web:2", "acct:30", "web:3"}));
  EXPECT_TRUE(plan.needs_cpim);
  EXPECT_TRUE(plan.needs_plain_named);
  EXPECT_EQ(plan.deliveries[2].user, UserId(1));
  EXPECT_EQ(plan.deliveries[3].kind, EndpointKind::Sip);
}

TEST(Fanout, TheOriginGetsNoCopyButItsSiblingsDo) {
  const auto members = room();
  const auto plan = plan_room_fanout(members, Origin{"web:1", "s1"});
  EXPECT_EQ(describe(plan),
            (std::vector<std::string>{"web:1/s2/web", "acct:10/c10/cpim", "acct:20/c20/named"}));
  // A phone posting: its own contact is skipped, its identity never queued.
  std::vector<MemberIdentities> one{{UserId(2), {{"acct:20", {phone("c20")}}}}};
  const auto self = plan_room_fanout(one, Origin{"acct:20", "c20"});
  EXPECT_TRUE(self.deliveries.empty());
  EXPECT_TRUE(self.queue.empty());
}

TEST(Fanout, OnlyPlainTextNeededWhenNoDeviceTakesCpim) {
  std::vector<MemberIdentities> m{
      {UserId(2), {{"acct:20", {phone("c20", {"*/*;q=0.1", "message/cpim;q=0"})}}}}};
  const auto plan = plan_room_fanout(m, Origin{});
  ASSERT_EQ(plan.deliveries.size(), 1u);
  EXPECT_EQ(plan.deliveries[0].representation, Representation::PlainNamed);
  EXPECT_FALSE(plan.needs_cpim);
  EXPECT_TRUE(plan.needs_plain_named);
}

TEST(Fanout, PrivateMessagesGoToPhonesAsTheyAre) {
  const auto members = room();
  std::vector<MemberIdentities> parties{members[1], members[0]};
  const auto plan = plan_private_fanout(parties, Origin{"web:1", "s2"});
  EXPECT_EQ(describe(plan),
            (std::vector<std::string>{"acct:20/c20/plain", "web:1/s1/web", "acct:10/c10/plain"}));
  EXPECT_EQ(plan.queue, (std::vector<std::string>{"web:2", "acct:11"}));
  EXPECT_FALSE(plan.needs_cpim);
  EXPECT_FALSE(plan.needs_plain_named);
}

TEST(Fanout, EmptyRoomPlansNothing) {
  const auto plan = plan_room_fanout({}, Origin{});
  EXPECT_TRUE(plan.deliveries.empty());
  EXPECT_TRUE(plan.queue.empty());
}

TEST(FanoutRendering, PlainNamedText) {
  EXPECT_EQ(plain_named_text("alice", "hello"), "alice: hello");
  EXPECT_EQ(plain_named_text("al\r\nbob", "x\ny"), "albob: x\ny");
}

TEST(FanoutRendering, LateTextKeepsTheOriginalTime) {
  EXPECT_EQ(late_plain_text("alice", "hello", 1796031916123),
            "[2026-11-30 09:45 UTC] alice: hello");
  EXPECT_EQ(late_plain_text("", "psst", 1796031916123), "[2026-11-30 09:45 UTC] psst");
}

TEST(Fanout, RepresentationForOneEndpoint) {
  EXPECT_EQ(representation_for(web("s"), true), Representation::Web);
  EXPECT_EQ(representation_for(web("s"), false), Representation::Web);
  EXPECT_EQ(representation_for(phone("c", {"message/cpim"}), true), Representation::Cpim);
  EXPECT_EQ(representation_for(phone("c", {"text/plain"}), true), Representation::PlainNamed);
  EXPECT_EQ(representation_for(phone("c", {"message/cpim"}), false), Representation::Plain);
}

TEST(FanoutRendering, CpimNamesTheOriginalSender) {
  RoomMessageView m{"alice",     "Alice L.",   "sip:alice@example.com", "sip:~lobby@example.com",
                    "hello all", 1796031916123};
  const std::string body = room_cpim_body(m);
  auto d = decode_cpim(body);
  ASSERT_TRUE(d.ok()) << d.error().reason;
  EXPECT_EQ(d->from.display_name, "Alice L.");
  EXPECT_EQ(d->from.uri, "sip:alice@example.com");
  EXPECT_EQ(d->to.uri, "sip:~lobby@example.com");
  EXPECT_EQ(d->datetime_ms, 1796031916123);
  EXPECT_EQ(d->body, "hello all");
  m.sender_display_name.clear();
  EXPECT_EQ(decode_cpim(room_cpim_body(m))->from.display_name, "alice");
}

}  // namespace
}  // namespace parley::chat
