#include "presence/publication_table.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "presence/pidf.hpp"
#include "sip/message/parser.hpp"

namespace parley::presence {
namespace {

using namespace std::chrono_literals;

struct Pub {
  std::string event = "presence";  // Event header, absent when empty
  std::string if_match;            // SIP-If-Match, absent when empty
  std::string expires;             // Expires, absent when empty
  std::string content_type = "application/pidf+xml";
  std::string body;
  std::uint32_t cseq = 1;
};

sip::Message make(const Pub& p) {
  std::string t = "PUBLISH sip:alice@example.com SIP/2.0\r\n"
                  "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKp" + std::to_string(p.cseq) + "\r\n"
                  "Max-Forwards: 70\r\n"
                  "From: <sip:alice@example.com>;tag=f1\r\n"
                  "To: <sip:alice@example.com>\r\n"
                  "Call-ID: pub-1\r\n"
                  "CSeq: " + std::to_string(p.cseq) + " PUBLISH\r\n";
  if (!p.event.empty()) t += "Event: " + p.event + "\r\n";
  if (!p.if_match.empty()) t += "SIP-If-Match: " + p.if_match + "\r\n";
  if (!p.expires.empty()) t += "Expires: " + p.expires + "\r\n";
  if (!p.body.empty()) t += "Content-Type: " + p.content_type + "\r\n";
  t += "Content-Length: " + std::to_string(p.body.size()) + "\r\n\r\n" + p.body;
  auto m = sip::parse_message(t, sip::Framing::Datagram);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().reason);
  return m.ok() ? std::move(m).value() : sip::Message{};
}

std::string body(Status s, std::string note = "") {
  return encode_pidf("sip:alice@example.com", {s, std::move(note)});
}

class PublicationTableTest : public ::testing::Test {
 protected:
  PublicationTableTest() : table_(config()) {}
  static PublicationConfig config() {
    PublicationConfig c;
    c.min_expires = 60;
    c.max_expires = 3600;
    c.default_expires = 1800;
    c.max_per_user = 2;
    c.seed = 42;
    return c;
  }
  PublishResult publish(const Pub& p, TimePoint at, std::string_view user = "alice") {
    return table_.handle_publish(make(p), user, at);
  }
  static std::string etag(const PublishResult& r) {
    auto e = r.response.header("SIP-ETag");
    return e ? std::string(*e) : std::string();
  }
  // An initial PUBLISH that must succeed; returns its ETag.
  std::string initial(Status s, TimePoint at, std::string expires = "600") {
    Pub p;
    p.body = body(s);
    p.expires = expires;
    auto r = publish(p, at);
    EXPECT_EQ(r.response.status_code, 200);
    return etag(r);
  }

  TimePoint t0_ = TimePoint{} + 1000h;
  PublicationTable table_;
};

TEST_F(PublicationTableTest, InitialPublishReturnsEtagExpiresAndState) {
  Pub p;
  p.body = body(Status::Away, "lunch");
  p.expires = "600";
  auto r = publish(p, t0_);
  ASSERT_EQ(r.response.status_code, 200);
  EXPECT_FALSE(etag(r).empty());
  EXPECT_EQ(r.response.expires, 600u);
  EXPECT_FALSE(r.response.to.tag().empty());
  EXPECT_EQ(r.response.call_id, "pub-1");
  ASSERT_TRUE(r.change);
  EXPECT_EQ(r.change->user, "alice");
  EXPECT_EQ(r.change->state, (PresenceState{Status::Away, "lunch"}));
  EXPECT_EQ(table_.size(), 1u);
}

TEST_F(PublicationTableTest, ExpiresIsDefaultedAndCappedAndTooBriefIsRefused) {
  Pub p;
  p.body = body(Status::Available);
  EXPECT_EQ(publish(p, t0_).response.expires, 1800u);  // no Expires: the default
  p.expires = "100000";
  EXPECT_EQ(publish(p, t0_).response.expires, 3600u);
  p.expires = "10";
  auto r = publish(p, t0_);
  EXPECT_EQ(r.response.status_code, 423);
  EXPECT_EQ(r.response.header("Min-Expires").value_or(""), "60");
  EXPECT_FALSE(r.change);
}

TEST_F(PublicationTableTest, RefreshGivesANewEtagAndKeepsTheState) {
  std::string e1 = initial(Status::Busy, t0_);
  Pub refresh;
  refresh.if_match = e1;
  refresh.expires = "600";
  refresh.cseq = 2;
  auto r = publish(refresh, t0_ + 500s);
  ASSERT_EQ(r.response.status_code, 200);
  std::string e2 = etag(r);
  EXPECT_NE(e2, e1);
  EXPECT_FALSE(r.change);  // nothing new to aggregate
  // The old tag is spent (RFC 3903 §6 step 7).
  refresh.cseq = 3;
  EXPECT_EQ(publish(refresh, t0_ + 501s).response.status_code, 412);
  // The refresh moved the expiry: not gone at the first deadline.
  EXPECT_TRUE(table_.expire(t0_ + 700s).empty());
  auto gone = table_.expire(t0_ + 1101s);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_FALSE(gone[0].state);
}

TEST_F(PublicationTableTest, ModifyChangesStateUnderTheSameDevice) {
  Pub p;
  p.body = body(Status::Busy);
  auto first = publish(p, t0_);
  ASSERT_TRUE(first.change);
  Pub modify;
  modify.if_match = etag(first);
  modify.body = body(Status::Away, "back soon");
  modify.cseq = 2;
  auto r = publish(modify, t0_ + 10s);
  ASSERT_EQ(r.response.status_code, 200);
  ASSERT_TRUE(r.change);
  EXPECT_EQ(r.change->device, first.change->device);
  EXPECT_EQ(r.change->state, (PresenceState{Status::Away, "back soon"}));
  EXPECT_EQ(table_.size(), 1u);
  // The same body again is not a change.
  modify.if_match = etag(r);
  modify.cseq = 3;
  auto same = publish(modify, t0_ + 20s);
  EXPECT_EQ(same.response.status_code, 200);
  EXPECT_FALSE(same.change);
}

TEST_F(PublicationTableTest, RemoveWithExpiresZero) {
  Pub p;
  p.body = body(Status::Busy);
  auto first = publish(p, t0_);
  Pub rm;
  rm.if_match = etag(first);
  rm.expires = "0";
  rm.cseq = 2;
  auto r = publish(rm, t0_ + 5s);
  ASSERT_EQ(r.response.status_code, 200);
  EXPECT_EQ(r.response.expires, 0u);
  ASSERT_TRUE(r.change);
  EXPECT_EQ(r.change->device, first.change->device);
  EXPECT_FALSE(r.change->state);
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_EQ(table_.count_for("alice"), 0u);
  EXPECT_TRUE(table_.expire(t0_ + 10000s).empty());
}

TEST_F(PublicationTableTest, UnknownEtagIs412) {
  Pub p;
  p.if_match = "nope";
  p.body = body(Status::Busy);
  EXPECT_EQ(publish(p, t0_).response.status_code, 412);
  p.body.clear();
  p.expires = "0";
  EXPECT_EQ(publish(p, t0_).response.status_code, 412);
}

TEST_F(PublicationTableTest, AnotherUsersEtagIs412) {
  std::string e = initial(Status::Busy, t0_);
  Pub p;
  p.if_match = e;
  EXPECT_EQ(publish(p, t0_, "mallory").response.status_code, 412);
}

TEST_F(PublicationTableTest, WrongOrMissingEventIs489) {
  Pub p;
  p.body = body(Status::Busy);
  p.event = "dialog";
  auto r = publish(p, t0_);
  EXPECT_EQ(r.response.status_code, 489);
  EXPECT_EQ(r.response.header("Allow-Events").value_or(""), "presence");
  p.event.clear();
  EXPECT_EQ(publish(p, t0_).response.status_code, 489);
  p.event = "Presence";  // event packages compare case-sensitively
  EXPECT_EQ(publish(p, t0_).response.status_code, 489);
  p.event = "presence;id=7";
  EXPECT_EQ(publish(p, t0_).response.status_code, 200);
}

TEST_F(PublicationTableTest, UnsupportedBodyTypeIs415) {
  Pub p;
  p.body = "hello";
  p.content_type = "text/plain";
  auto r = publish(p, t0_);
  EXPECT_EQ(r.response.status_code, 415);
  EXPECT_EQ(r.response.header("Accept").value_or(""), "application/pidf+xml");
  p.body = body(Status::Away);
  p.content_type = "Application/PIDF+XML; charset=utf-8";
  EXPECT_EQ(publish(p, t0_).response.status_code, 200);
}

TEST_F(PublicationTableTest, BadPidfIs400AndInitialWithoutBodyIs400) {
  Pub p;
  p.body = "<presence><unterminated>";
  EXPECT_EQ(publish(p, t0_).response.status_code, 400);
  Pub empty;
  EXPECT_EQ(publish(empty, t0_).response.status_code, 400);
  EXPECT_EQ(table_.size(), 0u);
}

TEST_F(PublicationTableTest, PerUserLimit) {
  initial(Status::Busy, t0_);
  initial(Status::Away, t0_);
  Pub p;
  p.body = body(Status::Available);
  auto r = publish(p, t0_);
  EXPECT_EQ(r.response.status_code, 403);
  EXPECT_FALSE(r.change);
  EXPECT_EQ(table_.count_for("alice"), 2u);
  EXPECT_EQ(publish(p, t0_, "bob").response.status_code, 200);  // others unaffected
}

TEST_F(PublicationTableTest, ExpiryReturnsWhatExpiredInOrder) {
  std::string e = initial(Status::Busy, t0_, "60");
  initial(Status::Away, t0_, "120");
  EXPECT_TRUE(table_.expire(t0_ + 59s).empty());
  auto a = table_.expire(t0_ + 60s);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].user, "alice");
  EXPECT_FALSE(a[0].state);
  auto b = table_.expire(t0_ + 200s);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_NE(a[0].device, b[0].device);
  EXPECT_EQ(table_.size(), 0u);
  Pub late;  // an expired publication is unknown to SIP-If-Match afterwards
  late.if_match = e;
  EXPECT_EQ(publish(late, t0_ + 201s).response.status_code, 412);
}

TEST_F(PublicationTableTest, RemoveUser) {
  initial(Status::Busy, t0_);
  Pub p;
  p.body = body(Status::Away);
  publish(p, t0_, "bob");
  auto gone = table_.remove_user("alice");
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(table_.size(), 1u);
}

}  // namespace
}  // namespace parley::presence
