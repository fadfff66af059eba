#include "sip/registrar/registrar.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sip/message/parser.hpp"

namespace parley::sip::registrar {
namespace {

using namespace std::chrono_literals;

struct Req {
  std::string user = "alice";
  std::vector<std::string> contacts = {"<sip:alice@192.0.2.1:5060>"};
  std::string expires;  // Expires header, absent when empty
  std::string call_id = "call-1";
  std::uint32_t cseq = 1;
  std::vector<std::string> extra;  // more header lines
};

Message parse(const std::string& text) {
  auto m = parse_message(text, Framing::Datagram);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().reason) << "\n" << text;
  return m.ok() ? std::move(m).value() : Message{};
}

Message make(const Req& r) {
  std::string t = "REGISTER sip:example.com SIP/2.0\r\n"
                  "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK" + std::to_string(r.cseq) + "\r\n"
                  "Max-Forwards: 70\r\n"
                  "From: <sip:" + r.user + "@example.com>;tag=1\r\n"
                  "To: <sip:" + r.user + "@example.com>\r\n"
                  "Call-ID: " + r.call_id + "\r\n"
                  "CSeq: " + std::to_string(r.cseq) + " REGISTER\r\n";
  for (const auto& c : r.contacts) t += "Contact: " + c + "\r\n";
  if (!r.expires.empty()) t += "Expires: " + r.expires + "\r\n";
  for (const auto& h : r.extra) t += h + "\r\n";
  t += "Content-Length: 0\r\n\r\n";
  return parse(t);
}

class RegistrarTest : public ::testing::Test {
 protected:
  RegisterResult reg(const Req& r, TimePoint at, std::string_view account = "alice") {
    ctx_.account = account;
    return registrar_.handle_register(make(r), ctx_, at);
  }
  static std::string expires_of(const NameAddr& c) {
    auto e = c.params.get("expires");
    return e ? std::string(*e) : std::string("-");
  }

  TimePoint t0_ = TimePoint{} + 1000h;
  Registrar registrar_;
  RequestContext ctx_{"alice", Source{"UDP", "192.0.2.1", 5060, 0}};
};

TEST_F(RegistrarTest, AddsAndReturnsBinding) {
  Req r;
  r.expires = "600";
  auto res = reg(r, t0_);
  ASSERT_EQ(res.status, 200) << res.reason;
  EXPECT_EQ(res.aor, "alice");
  ASSERT_EQ(res.contacts.size(), 1u);
  EXPECT_EQ(res.contacts[0].uri.to_string(), "sip:alice@192.0.2.1:5060");
  EXPECT_EQ(expires_of(res.contacts[0]), "600");
  ASSERT_EQ(res.changes.size(), 1u);
  EXPECT_EQ(res.changes[0].kind, BindingChange::Kind::Added);
  EXPECT_EQ(res.changes[0].binding.call_id, "call-1");
  EXPECT_EQ(res.changes[0].binding.source, ctx_.source);
  auto live = registrar_.contacts("alice", t0_ + 10s);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].expires_at, t0_ + 600s);
  EXPECT_EQ(registrar_.binding_count(), 1u);
  EXPECT_TRUE(registrar_.is_registered_source("alice", "udp", "192.0.2.1", 5060));
  EXPECT_FALSE(registrar_.is_registered_source("alice", "UDP", "192.0.2.1", 5061));
  EXPECT_FALSE(registrar_.is_registered_source("bob", "UDP", "192.0.2.1", 5060));
}

TEST_F(RegistrarTest, RefreshRemoveAndQuery) {
  Req r;
  r.expires = "600";
  reg(r, t0_);
  r.cseq = 2;
  auto refresh = reg(r, t0_ + 100s);
  ASSERT_EQ(refresh.status, 200);
  ASSERT_EQ(refresh.changes.size(), 1u);
  EXPECT_EQ(refresh.changes[0].kind, BindingChange::Kind::Refreshed);
  EXPECT_EQ(registrar_.contacts("alice", t0_)[0].expires_at, t0_ + 700s);

  Req query = r;
  query.contacts.clear();
  query.cseq = 3;
  auto q = reg(query, t0_ + 200s);
  EXPECT_EQ(q.status, 200);
  EXPECT_TRUE(q.changes.empty());
  ASSERT_EQ(q.contacts.size(), 1u);
  EXPECT_EQ(expires_of(q.contacts[0]), "500");

  r.cseq = 4;
  r.expires = "0";
  auto removed = reg(r, t0_ + 300s);
  EXPECT_EQ(removed.status, 200);
  EXPECT_TRUE(removed.contacts.empty());
  ASSERT_EQ(removed.changes.size(), 1u);
  EXPECT_EQ(removed.changes[0].kind, BindingChange::Kind::Removed);
  EXPECT_EQ(registrar_.aor_count(), 0u);
  EXPECT_FALSE(registrar_.is_registered_source("alice", "UDP", "192.0.2.1", 5060));
}

// A UA refreshing far more often than its interval needs: every refresh is
// applied and answered, but only one that moved the expiry by a tenth of the
// interval since the last report is handed over for persistence.
TEST_F(RegistrarTest, FrequentRefreshIsAppliedButReportedOnlyOnceItMovesATenth) {
  Req r;
  r.expires = "600";
  ASSERT_EQ(reg(r, t0_).changes.size(), 1u);
  r.cseq = 2;
  auto quiet = reg(r, t0_ + 30s);
  ASSERT_EQ(quiet.status, 200);
  EXPECT_TRUE(quiet.changes.empty());
  ASSERT_EQ(quiet.contacts.size(), 1u);
  EXPECT_EQ(expires_of(quiet.contacts[0]), "600");
  EXPECT_EQ(registrar_.contacts("alice", t0_)[0].expires_at, t0_ + 630s);
  r.cseq = 3;
  EXPECT_TRUE(reg(r, t0_ + 59s).changes.empty());

  r.cseq = 4;
  auto due = reg(r, t0_ + 60s);
  ASSERT_EQ(due.changes.size(), 1u);
  EXPECT_EQ(due.changes[0].kind, BindingChange::Kind::Refreshed);
  EXPECT_EQ(due.changes[0].binding.expires_at, t0_ + 660s);
  EXPECT_TRUE(registrar_.take_unreported_refreshes().empty());

  // What a clean stop writes: the refreshes still unreported, once.
  r.cseq = 5;
  EXPECT_TRUE(reg(r, t0_ + 61s).changes.empty());
  auto pending = registrar_.take_unreported_refreshes();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].kind, BindingChange::Kind::Refreshed);
  EXPECT_EQ(pending[0].binding.expires_at, t0_ + 661s);
  EXPECT_EQ(pending[0].binding.cseq, 5u);
  EXPECT_TRUE(registrar_.take_unreported_refreshes().empty());
}

TEST_F(RegistrarTest, RefreshThatChangesReachOrShortensTheExpiryIsReportedAtOnce) {
  Req r;
  r.expires = "600";
  reg(r, t0_);
  auto refresh = [&](TimePoint at) {
    ++r.cseq;
    auto res = reg(r, at);
    EXPECT_EQ(res.status, 200);
    return res.changes.size() == 1 && res.changes[0].kind == BindingChange::Kind::Refreshed;
  };
  ctx_.source.port = 5070;  // NAT rebinding: another source port
  EXPECT_TRUE(refresh(t0_ + 1s));
  r.expires = "300";  // shorter: the stored expiry would outlive the grant
  EXPECT_TRUE(refresh(t0_ + 2s));
  r.contacts = {"<sip:alice@192.0.2.1:5060;ob>"};  // same contact, written otherwise
  EXPECT_TRUE(refresh(t0_ + 3s));
  r.contacts = {"<sip:alice@192.0.2.1:5060;ob>;q=0.5"};
  EXPECT_TRUE(refresh(t0_ + 4s));
  r.extra = {"Path: <sip:edge.example.com;lr>"};
  EXPECT_TRUE(refresh(t0_ + 5s));
  // A new Call-ID alone only orders requests: not a reason to write.
  r.call_id = "call-2";
  EXPECT_FALSE(refresh(t0_ + 6s));
  EXPECT_EQ(registrar_.contacts("alice", t0_)[0].call_id, "call-2");
}

// A binding restored at start is what persistence holds: a refresh soon
// after is not reported again.
TEST_F(RegistrarTest, RestoredBindingCountsAsReported) {
  Req r;
  r.expires = "600";
  auto first = reg(r, t0_);
  ASSERT_EQ(first.changes.size(), 1u);
  Registrar restarted;
  ASSERT_TRUE(restarted.restore(first.changes[0].binding, t0_ + 5s));
  ctx_.account = "alice";
  r.cseq = 2;
  auto res = restarted.handle_register(make(r), ctx_, t0_ + 10s);
  ASSERT_EQ(res.status, 200);
  EXPECT_TRUE(res.changes.empty());
  EXPECT_EQ(restarted.contacts("alice", t0_)[0].expires_at, t0_ + 610s);
}

TEST_F(RegistrarTest, ContactExpiresOverridesHeaderAndDefaultApplies) {
  Req r;
  r.contacts = {"<sip:a@192.0.2.1>;expires=120", "<sip:b@192.0.2.1>"};
  r.expires = "300";
  auto res = reg(r, t0_);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(expires_of(res.contacts[0]), "120");
  EXPECT_EQ(expires_of(res.contacts[1]), "300");
  Req d;
  d.contacts = {"<sip:c@192.0.2.1>", "<sip:d@192.0.2.1>;expires=junk"};
  d.call_id = "other";
  auto def = reg(d, t0_);
  ASSERT_EQ(def.status, 200);
  ASSERT_EQ(def.contacts.size(), 4u);
  EXPECT_EQ(expires_of(def.contacts[2]), "3600");
  EXPECT_EQ(expires_of(def.contacts[3]), "3600");
}

TEST_F(RegistrarTest, TooBriefIs423AndLongIsClamped) {
  Req r;
  r.expires = "30";
  auto res = reg(r, t0_);
  EXPECT_EQ(res.status, 423);
  EXPECT_EQ(res.min_expires, 60u);
  EXPECT_EQ(registrar_.binding_count(), 0u);
  r.expires = "99999999999";
  auto clamped = reg(r, t0_);
  ASSERT_EQ(clamped.status, 200);
  EXPECT_EQ(expires_of(clamped.contacts[0]), "7200");
}

TEST_F(RegistrarTest, WildcardRules) {
  Req r;
  r.contacts = {"<sip:a@192.0.2.1>", "<sip:b@192.0.2.1>"};
  reg(r, t0_);
  Req star;
  star.contacts = {"*"};
  star.cseq = 2;
  EXPECT_EQ(reg(star, t0_).status, 400);  // no Expires: 0
  star.expires = "10";
  EXPECT_EQ(reg(star, t0_).status, 400);
  star.expires = "0";
  star.contacts = {"*"};
  Message mixed = make(star);  // the parser itself refuses "*, <uri>" in one header
  mixed.contacts.push_back(make(r).contacts.front());
  EXPECT_EQ(registrar_.handle_register(mixed, ctx_, t0_).status, 400);  // not alone
  EXPECT_EQ(registrar_.binding_count(), 2u);
  star.contacts = {"*"};
  star.cseq = 0;  // same Call-ID, lower: refused
  EXPECT_EQ(reg(star, t0_).status, 400);
  star.cseq = 2;
  auto res = reg(star, t0_);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.changes.size(), 2u);
  EXPECT_EQ(registrar_.binding_count(), 0u);
}

TEST_F(RegistrarTest, RetransmittedRegisterIsAnsweredAgainWithoutChange) {
  Req r;
  r.contacts = {"<sip:a@192.0.2.1>"};
  ASSERT_EQ(reg(r, t0_).status, 200);
  auto again = reg(r, t0_ + Seconds(1));  // same Call-ID and CSeq: a retransmission
  EXPECT_EQ(again.status, 200);
  ASSERT_EQ(again.contacts.size(), 1u);
  EXPECT_EQ(registrar_.binding_count(), 1u);
}

TEST_F(RegistrarTest, QValuesParsedAndOrdered) {
  Req r;
  r.contacts = {"<sip:low@192.0.2.1>;q=0.1", "<sip:none@192.0.2.1>", "<sip:mid@192.0.2.1>;q=0.75"};
  ASSERT_EQ(reg(r, t0_).status, 200);
  auto live = registrar_.contacts("alice", t0_);
  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live[0].uri.user, "none");
  EXPECT_EQ(live[1].uri.user, "mid");
  EXPECT_EQ(live[1].q_milli, 750);
  EXPECT_EQ(live[2].uri.user, "low");
  auto res = reg(Req{.contacts = {"<sip:low@192.0.2.1>;q=0.1"}, .call_id = "c2"}, t0_);
  for (const auto& c : res.contacts) {
    if (c.uri.user == "low") {
      EXPECT_EQ(c.params.get("q").value_or(""), "0.100");
    }
    if (c.uri.user == "none") {
      EXPECT_FALSE(c.params.has("q"));
    }
  }

  for (std::string bad : {"1.5", "2", "0.1234", "-0.5", "abc", "1.001", ".5"}) {
    Req b;
    b.contacts = {"<sip:x@192.0.2.1>;q=" + bad};
    b.call_id = "bad-" + bad;
    EXPECT_EQ(reg(b, t0_).status, 400) << bad;
  }
  EXPECT_EQ(parse_q_value("0."), 0);  // "0" [ "." 0*3DIGIT ]
  EXPECT_EQ(parse_q_value(""), std::nullopt);
  EXPECT_EQ(parse_q_value("1.000"), 1000);
  EXPECT_EQ(parse_q_value("0.05"), 50);
  EXPECT_EQ(parse_q_value("0"), 0);
}

TEST_F(RegistrarTest, CSeqOrderingWithinCallId) {
  Req r;
  r.cseq = 10;
  reg(r, t0_);
  r.cseq = 10;  // the same request again (a retransmission): answered, idempotent
  EXPECT_EQ(reg(r, t0_).status, 200);
  r.cseq = 9;
  EXPECT_EQ(reg(r, t0_).status, 400);
  r.cseq = 11;
  EXPECT_EQ(reg(r, t0_).status, 200);
  // Another Call-ID (the device restarted) may use any CSeq.
  r.call_id = "call-2";
  r.cseq = 1;
  EXPECT_EQ(reg(r, t0_).status, 200);
  EXPECT_EQ(registrar_.contacts("alice", t0_)[0].call_id, "call-2");
}

TEST_F(RegistrarTest, FailedRequestChangesNothing) {
  Req r;
  r.contacts = {"<sip:a@192.0.2.1>"};
  r.cseq = 5;
  reg(r, t0_);
  // The second contact is out of order, so the first must not be added.
  Req both;
  both.contacts = {"<sip:new@192.0.2.1>", "<sip:a@192.0.2.1>"};
  both.cseq = 4;
  EXPECT_EQ(reg(both, t0_).status, 400);
  EXPECT_EQ(registrar_.binding_count(), 1u);
  both.contacts = {"<sip:new@192.0.2.1>", "<sip:b@192.0.2.1>;expires=5"};
  both.cseq = 6;
  EXPECT_EQ(reg(both, t0_).status, 423);
  EXPECT_EQ(registrar_.binding_count(), 1u);
}

TEST_F(RegistrarTest, SameInstanceReplacesOlderContact) {
  const std::string inst = ";+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"";
  Req r;
  r.contacts = {"<sip:alice-0x1@192.0.2.1:5170>" + inst};
  reg(r, t0_);
  Req again;
  again.contacts = {"<sip:alice-0x2@192.0.2.1:5170>" + inst};
  again.call_id = "restarted";
  auto res = reg(again, t0_ + 5s);
  ASSERT_EQ(res.status, 200);
  ASSERT_EQ(res.contacts.size(), 1u);
  EXPECT_EQ(res.contacts[0].uri.user, "alice-0x2");
  EXPECT_EQ(res.contacts[0].params.get("+sip.instance").value_or(""),
            "\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"");
  ASSERT_EQ(res.changes.size(), 2u);
  EXPECT_EQ(res.changes[0].kind, BindingChange::Kind::Removed);
  EXPECT_EQ(res.changes[1].kind, BindingChange::Kind::Added);

  // Without outbound support a reg-id is ignored: one binding per instance.
  Req flows;
  flows.contacts = {"<sip:f1@192.0.2.1>" + inst + ";reg-id=1"};
  flows.call_id = "outbound";
  flows.extra = {"Supported: path, outbound"};
  auto ignored = reg(flows, t0_ + 6s);
  EXPECT_EQ(ignored.contacts.size(), 1u);
  EXPECT_FALSE(ignored.outbound);
  EXPECT_FALSE(ignored.contacts[0].params.has("reg-id"));

  Req bad;
  bad.contacts = {"<sip:x@192.0.2.1>;+sip.instance=unquoted"};
  bad.call_id = "bad";
  EXPECT_EQ(reg(bad, t0_).status, 400);
  bad.contacts = {"<sip:x@192.0.2.1>;+sip.instance=\"<a\\\"b>\""};
  EXPECT_EQ(reg(bad, t0_).status, 400);
}

TEST_F(RegistrarTest, OutboundRegIdsAreSeparateFlows) {
  RegistrarConfig cfg;
  cfg.outbound = true;
  Registrar ob(cfg);
  const std::string inst = ";+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\"";
  Req flows;
  flows.contacts = {"<sip:f1@192.0.2.1>" + inst + ";reg-id=1"};
  flows.extra = {"Supported: path, outbound"};
  ASSERT_EQ(ob.handle_register(make(flows), ctx_, t0_).status, 200);
  flows.contacts = {"<sip:f2@192.0.2.1>" + inst + ";reg-id=2"};
  flows.cseq = 2;
  auto two = ob.handle_register(make(flows), ctx_, t0_);
  ASSERT_EQ(two.contacts.size(), 2u);
  EXPECT_TRUE(two.outbound);
  EXPECT_EQ(two.contacts.back().params.get("reg-id").value_or(""), "2");
  // The same instance and reg-id from a new contact replaces that flow only.
  flows.contacts = {"<sip:f1b@192.0.2.1>" + inst + ";reg-id=1"};
  flows.cseq = 3;
  auto again = ob.handle_register(make(flows), ctx_, t0_);
  ASSERT_EQ(again.contacts.size(), 2u);
  EXPECT_EQ(again.contacts[0].uri.user, "f1b");
  flows.contacts = {"<sip:x@192.0.2.1>" + inst + ";reg-id=0"};
  flows.cseq = 4;
  EXPECT_EQ(ob.handle_register(make(flows), ctx_, t0_).status, 400);
  // Without "Supported: outbound" from the UA, reg-id is ignored again.
  flows.extra.clear();
  flows.contacts = {"<sip:x@192.0.2.1>" + inst + ";reg-id=0"};
  flows.cseq = 5;
  EXPECT_EQ(ob.handle_register(make(flows), ctx_, t0_).status, 200);
}

TEST_F(RegistrarTest, ThroughputOfRefreshes) {
  // 2,000 accounts refreshing: parse excluded, the registrar alone.
  constexpr int kAccounts = 2000;
  std::vector<Message> msgs;
  for (int i = 0; i < kAccounts; ++i) {
    Req r;
    r.user = "u" + std::to_string(i);
    r.contacts = {"<sip:" + r.user + "@192.0.2.1:5060>;+sip.instance=\"<urn:uuid:" +
                  std::to_string(i) + ">\""};
    r.call_id = "cid" + std::to_string(i);
    msgs.push_back(make(r));
  }
  const auto begin = std::chrono::steady_clock::now();
  int ok = 0;
  for (int round = 0; round < 5; ++round) {
    for (auto& m : msgs) {
      m.cseq.number = static_cast<std::uint32_t>(round + 1);
      RequestContext ctx{m.to.uri.user, ctx_.source};
      ok += registrar_.handle_register(m, ctx, t0_ + Seconds(round)).status == 200 ? 1 : 0;
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(ok, kAccounts * 5);
  EXPECT_EQ(registrar_.binding_count(), static_cast<std::size_t>(kAccounts));
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 2000);
  std::printf("registrar REGISTERs/s: %.0f\n",
              kAccounts * 5 / std::chrono::duration<double>(elapsed).count());
}

TEST_F(RegistrarTest, LimitReplacesOldestBinding) {
  for (int i = 0; i < 10; ++i) {
    Req r;
    r.contacts = {"<sip:d" + std::to_string(i) + "@192.0.2.1>"};
    r.call_id = "c" + std::to_string(i);
    ASSERT_EQ(reg(r, t0_ + Seconds(i)).status, 200);
  }
  Req r;
  r.contacts = {"<sip:d10@192.0.2.1>"};
  r.call_id = "c10";
  auto res = reg(r, t0_ + 20s);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.contacts.size(), 10u);
  ASSERT_EQ(res.changes.size(), 2u);
  EXPECT_EQ(res.changes[0].kind, BindingChange::Kind::Removed);
  EXPECT_EQ(res.changes[0].binding.uri.user, "d0");
  EXPECT_EQ(registrar_.binding_count(), 10u);

  // More new contacts in one request than the limit allows: refused.
  Req many;
  many.call_id = "many";
  many.contacts.clear();
  for (int i = 0; i < 11; ++i) many.contacts.push_back("<sip:m" + std::to_string(i) + "@192.0.2.1>");
  EXPECT_EQ(reg(many, t0_ + 30s).status, 403);
  EXPECT_EQ(registrar_.binding_count(), 10u);
}

TEST_F(RegistrarTest, ExpiryRemovesAndReportsBindings) {
  Req r;
  r.contacts = {"<sip:a@192.0.2.1>;expires=60", "<sip:b@192.0.2.1>;expires=120"};
  reg(r, t0_);
  Req bob;
  bob.user = "bob";
  bob.contacts = {"<sip:bob@192.0.2.9>;expires=90"};
  reg(bob, t0_, "bob");
  EXPECT_TRUE(registrar_.expire(t0_ + 59s).empty());
  auto gone = registrar_.expire(t0_ + 60s);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].uri.user, "a");
  // Refreshing b pushes its expiry out; the old check must not remove it.
  r.contacts = {"<sip:b@192.0.2.1>;expires=600"};
  r.cseq = 2;
  reg(r, t0_ + 100s);
  gone = registrar_.expire(t0_ + 130s);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].aor, "bob");
  EXPECT_TRUE(registrar_.expire(t0_ + 699s).empty());
  EXPECT_EQ(registrar_.expire(t0_ + 700s).size(), 1u);
  EXPECT_EQ(registrar_.binding_count(), 0u);
  EXPECT_EQ(registrar_.aor_count(), 0u);
}

TEST_F(RegistrarTest, ExpiredButNotReapedBindingIsNotListed) {
  Req r;
  r.contacts = {"<sip:a@192.0.2.1>;expires=60"};
  reg(r, t0_);
  EXPECT_FALSE(registrar_.has_bindings("alice", t0_ + 61s));
  EXPECT_TRUE(registrar_.contacts("alice", t0_ + 61s).empty());
  r.contacts = {"<sip:b@192.0.2.1>"};
  r.cseq = 2;
  auto res = reg(r, t0_ + 61s);
  ASSERT_EQ(res.contacts.size(), 1u);
  EXPECT_EQ(res.changes.front().kind, BindingChange::Kind::Removed);
}

TEST_F(RegistrarTest, AccountMustMatchTo) {
  Req r;
  r.user = "bob";
  EXPECT_EQ(reg(r, t0_, "alice").status, 403);
  EXPECT_EQ(reg(r, t0_, "bob").status, 200);
}

TEST_F(RegistrarTest, RemembersSourceFlowAndPath) {
  ctx_.source = Source{"TCP", "203.0.113.5", 40123, 77};
  Req r;
  r.extra = {"Path: <sip:edge1.example.com;lr>, <sip:edge2.example.com;lr>"};
  reg(r, t0_);
  auto live = registrar_.contacts("alice", t0_);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].source.flow_id, 77u);
  ASSERT_EQ(live[0].path.size(), 2u);
  EXPECT_EQ(live[0].path[0], "<sip:edge1.example.com;lr>");
  EXPECT_TRUE(registrar_.is_registered_source("alice", "TCP", "203.0.113.5", 40123));
  auto gone = registrar_.remove_flow(77);
  EXPECT_EQ(gone.size(), 1u);
  EXPECT_EQ(registrar_.binding_count(), 0u);
  EXPECT_FALSE(registrar_.is_registered_source("alice", "TCP", "203.0.113.5", 40123));
}

// A refresh of the same contact over a new connection moves the binding to
// that flow: closing the old one leaves it, closing the new one removes it.
TEST_F(RegistrarTest, RefreshOverANewFlowMovesTheBinding) {
  ctx_.source = Source{"TCP", "203.0.113.5", 40123, 77};
  Req r;
  reg(r, t0_);
  ctx_.source = Source{"TCP", "203.0.113.5", 40124, 78};
  r.cseq = 2;
  auto refreshed = reg(r, t0_ + 10s);
  EXPECT_EQ(refreshed.status, 200);
  ASSERT_EQ(refreshed.changes.size(), 1u);  // reached another way: reported at once
  EXPECT_EQ(refreshed.changes[0].kind, BindingChange::Kind::Refreshed);
  EXPECT_EQ(refreshed.changes[0].binding.source.flow_id, 78u);
  EXPECT_TRUE(registrar_.remove_flow(77).empty());
  EXPECT_EQ(registrar_.binding_count(), 1u);
  EXPECT_TRUE(registrar_.is_registered_source("alice", "TCP", "203.0.113.5", 40124));
  EXPECT_EQ(registrar_.remove_flow(78).size(), 1u);
  EXPECT_EQ(registrar_.binding_count(), 0u);
}

TEST_F(RegistrarTest, RestoreLoadsPersistedBindings) {
  Binding b;
  b.aor = "carol";
  b.uri.scheme = "sip";
  b.uri.user = "carol";
  b.uri.host = "192.0.2.7";
  b.expires_at = t0_ + 100s;
  b.call_id = "persisted";
  b.cseq = 7;
  b.source = Source{"UDP", "192.0.2.7", 5060, 0};
  EXPECT_TRUE(registrar_.restore(b, t0_));
  Binding expired = b;
  expired.uri.user = "old";
  expired.expires_at = t0_ - 1s;
  EXPECT_FALSE(registrar_.restore(expired, t0_));
  auto live = registrar_.contacts("carol", t0_);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].key, contact_key(b.uri));
  EXPECT_TRUE(registrar_.is_registered_source("carol", "UDP", "192.0.2.7", 5060));
  // Ordering continues from the restored CSeq.
  Req r;
  r.user = "carol";
  r.contacts = {"<sip:carol@192.0.2.7>"};
  r.call_id = "persisted";
  r.cseq = 6;
  EXPECT_EQ(reg(r, t0_, "carol").status, 400);
  EXPECT_EQ(registrar_.expire(t0_ + 100s).size(), 1u);
}

TEST_F(RegistrarTest, RegisterUnregisterLoopKeepsExpiryWorking) {
  // Exercises the rebuild of the expiry heap (superseded entries pile up).
  Req r;
  r.contacts = {"<sip:a@192.0.2.1>;expires=60"};
  for (std::uint32_t i = 1; i <= 3000; ++i) {
    r.cseq = i;
    r.contacts = {i % 2 ? "<sip:a@192.0.2.1>;expires=60" : "<sip:a@192.0.2.1>;expires=0"};
    ASSERT_EQ(reg(r, t0_ + Seconds(i)).status, 200);
  }
  r.cseq = 3001;
  r.contacts = {"<sip:a@192.0.2.1>;expires=60"};
  reg(r, t0_ + 3001s);
  Req bob;
  bob.user = "bob";
  bob.contacts = {"<sip:b@192.0.2.2>;expires=100"};
  reg(bob, t0_ + 3001s, "bob");
  EXPECT_TRUE(registrar_.expire(t0_ + 3060s).empty());
  EXPECT_EQ(registrar_.expire(t0_ + 3061s).size(), 1u);
  EXPECT_EQ(registrar_.expire(t0_ + 3101s).size(), 1u);
  EXPECT_EQ(registrar_.binding_count(), 0u);
}

TEST_F(RegistrarTest, RemoveAor) {
  reg(Req{}, t0_);
  EXPECT_EQ(registrar_.remove_aor("alice").size(), 1u);
  EXPECT_EQ(registrar_.binding_count(), 0u);
  EXPECT_TRUE(registrar_.expire(t0_ + 10000s).empty());
}

TEST(ContactKey, FollowsUriEquality) {
  auto key = [](std::string_view text) {
    auto u = parse_uri(text);
    EXPECT_TRUE(u.ok()) << text;
    return u.ok() ? contact_key(u.value()) : std::string();
  };
  EXPECT_EQ(key("sip:%61lice@EXAMPLE.com"), key("sip:alice@example.com"));
  EXPECT_NE(key("sip:Alice@example.com"), key("sip:alice@example.com"));
  EXPECT_NE(key("sip:alice@example.com:5070"), key("sip:alice@example.com"));
  EXPECT_NE(key("sip:alice@example.com;transport=tcp"), key("sip:alice@example.com"));
  EXPECT_EQ(key("sip:alice@example.com;transport=TCP;foo=1"),
            key("sip:alice@example.com;transport=tcp"));
  EXPECT_NE(key("sip:%00@h"), key("sip:%00%00@h"));
}

// ---- RFC 4475 vectors, read from the shared folder ---------------------------

std::string read_vector(const std::string& name) {
  std::ifstream in(std::string(PARLEY_SHARED_DIR) + "/vectors/sip/rfc4475/" + name,
                   std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class Rfc4475Registrar : public RegistrarTest {
 protected:
  RegisterResult run(const std::string& name) {
    const std::string text = read_vector(name);
    if (text.empty()) return RegisterResult{-1};
    ctx_.account = {};
    return registrar_.handle_register(parse(text), ctx_, t0_);
  }
};

TEST_F(Rfc4475Registrar, EscnullRegistersTwoContacts) {
  auto res = run("escnull.sip");
  if (res.status == -1) GTEST_SKIP() << "RFC 4475 vectors not found under PARLEY_SHARED_DIR";
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.aor, std::string("null-\0-null", 11));
  EXPECT_EQ(res.contacts.size(), 2u);
}

TEST_F(Rfc4475Registrar, RegescrtKeepsEscapedRouteInUri) {
  auto res = run("regescrt.sip");
  if (res.status == -1) GTEST_SKIP() << "RFC 4475 vectors not found under PARLEY_SHARED_DIR";
  ASSERT_EQ(res.status, 200);
  auto live = registrar_.contacts("user", t0_);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].uri.to_string(), "sip:user@example.com?Route=%3Csip:sip.example.com%3E");
}

TEST_F(Rfc4475Registrar, CparamPlacement) {
  auto one = run("cparam01.sip");
  if (one.status == -1) GTEST_SKIP() << "RFC 4475 vectors not found under PARLEY_SHARED_DIR";
  ASSERT_EQ(one.status, 200);
  // cparam01: ;unknownparam is a header parameter, not part of the URI.
  EXPECT_EQ(registrar_.contacts("watson", t0_).at(0).uri.to_string(),
            "sip:+19725552222@gw1.example.net");
  auto two = run("cparam02.sip");
  ASSERT_EQ(two.status, 200);
  // cparam02: inside <>, it is a URI parameter; the URIs are still equal
  // under RFC 3261 §19.1.4 (an unknown parameter on one side is ignored).
  auto live = registrar_.contacts("watson", t0_);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].uri.to_string(), "sip:+19725552222@gw1.example.net;unknownparam");
}

}  // namespace
}  // namespace parley::sip::registrar
