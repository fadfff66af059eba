// The web user agent with the real proxy, registrar and endpoint locator: a
// browser session is a live endpoint of its user, SIP MESSAGEs fork to it,
// and messages typed in the browser leave through the proxy as SIP MESSAGE.
// Sends on the in-process WEB transport go to the agent; every other send is
// recorded as if it went out on the network.
#include "gateway/web_user_agent.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <algorithm>
#include <deque>

#include "gateway/endpoint_locator.hpp"
#include "sip/auth/digest_authenticator.hpp"
#include "sip/message/parser.hpp"
#include "sip/message/response_builder.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/registrar/registrar.hpp"

namespace parley::gateway {
namespace {

namespace json = boost::json;
using web::WebSessionId;

struct Frame {
  WebSessionId session;
  json::object body;
};

class WebUserAgentTest : public ::testing::Test, sip::SipSender, sip::ProxyObserver {
 protected:
  WebUserAgentTest()
      : registrar_(sip::registrar::RegistrarConfig{}),
        authenticator_(sip::auth::DigestConfig{}),
        locator_(directory_, registrar_),
        agent_("localhost", directory_, ports()) {
    store::Directory d;
    d.users = {{UserId(1), "alice", "Alice", true, 0}, {UserId(2), "bob", "Bob", true, 0}};
    d.accounts = {{store::AccountId(1), UserId(1), "alice", "localhost", "", ""},
                  {store::AccountId(2), UserId(2), "bob", "localhost", "", ""}};
    directory_.replace(d);
    locator_.set_web(&web_);
    sip::ProxyConfig pc;
    pc.addresses.push_back({"UDP", "127.0.0.1", 5060});
    pc.is_trusted = [](std::string_view host) { return host == kWebHost; };
    proxy_ = std::make_unique<sip::Proxy>(
        std::move(pc), sip::TransactionConfig{},
        sip::ProxyDeps{registrar_, authenticator_, directory_, locator_, directory_, *this, *this});
  }

  WebUserAgentPorts ports() {
    WebUserAgentPorts p;
    p.inject = [this](sip::Message m, sip::Flow f) { injected_.push_back({std::move(m), f}); };
    p.push_to_session = [this](WebSessionId s, const std::string& text) {
      if (std::find(open_.begin(), open_.end(), s) == open_.end()) return false;
      frames_.push_back({s, json::parse(text).as_object()});
      return true;
    };
    p.push_to_user = [this](std::string_view, const std::string& text, WebSessionId except) {
      for (auto s : open_) {
        if (s != except) frames_.push_back({s, json::parse(text).as_object()});
      }
    };
    p.wall_ms = [] { return std::int64_t{1796000000000}; };
    return p;
  }

  // sip::SipSender: the WEB transport reaches the agent, the rest the "network".
  bool send(const sip::Message& m, const sip::Flow& flow, sip::TransactionId) override {
    if (flow.transport == kWebTransport) return agent_.deliver(m, flow);
    network_.push_back(m);
    return true;
  }
  void on_binding_changes(std::vector<sip::registrar::BindingChange>) override {}

  // What SipService::inject does: posted, so it runs after the current call.
  void pump() {
    while (!injected_.empty()) {
      auto [m, f] = std::move(injected_.front());
      injected_.pop_front();
      proxy_->on_message(std::move(m), f, now_);
    }
  }

  void open(WebSessionId s, const std::string& user) {
    open_.push_back(s);
    agent_.session_online(s, user);
  }

  void register_bob_phone() {
    sip::registrar::Binding b;
    b.aor = "bob";
    b.uri = *sip::parse_uri("sip:bob@192.0.2.20:5060");
    b.key = sip::registrar::contact_key(b.uri);
    b.expires_at = now_ + std::chrono::hours(1);
    b.updated_at = now_;
    b.call_id = "reg-1";
    b.cseq = 1;
    b.source = {"UDP", "192.0.2.20", 5060, 0};
    ASSERT_TRUE(registrar_.restore(b, now_));
  }

  sip::Message phone_message(const std::string& ruri, const std::string& body,
                             const std::string& type = "text/plain") {
    std::string t = "MESSAGE " + ruri + " SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKphone1\r\n"
                    "Max-Forwards: 70\r\nFrom: <sip:bob@localhost>;tag=b1\r\nTo: <" + ruri + ">\r\n"
                    "Call-ID: m1@phone\r\nCSeq: 1 MESSAGE\r\nContent-Type: " + type + "\r\n"
                    "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return std::move(sip::parse_message(t, sip::Framing::Datagram)).value();
  }

  // The final response the network got for the phone's request.
  std::optional<int> phone_answer() const {
    for (const auto& m : network_) {
      if (m.is_response() && m.status_code >= 200) return m.status_code;
    }
    return std::nullopt;
  }

  class Web final : public WebEndpoints {
   public:
    explicit Web(WebUserAgentTest& t) : t_(t) {}
    void add_endpoints(std::string_view user, std::vector<sip::Endpoint>& out) override {
      t_.agent_.add_endpoints(user, out);
    }
    bool deliver(const sip::Message& m, const sip::Flow& f) override { return t_.agent_.deliver(m, f); }

   private:
    WebUserAgentTest& t_;
  };

  TimePoint now_ = SteadyClock::now();
  UserDirectory directory_;
  sip::registrar::Registrar registrar_;
  sip::auth::DigestAuthenticator authenticator_;
  EndpointLocator locator_;
  WebUserAgent agent_;
  Web web_{*this};
  std::unique_ptr<sip::Proxy> proxy_;
  std::deque<std::pair<sip::Message, sip::Flow>> injected_;
  std::vector<WebSessionId> open_;
  std::vector<Frame> frames_;
  std::vector<sip::Message> network_;
  const sip::Flow phone_{0, false, "192.0.2.20", 5060, "UDP"};
};

TEST_F(WebUserAgentTest, OpenSessionIsAnEndpointOfItsUserUntilItGoesOffline) {
  open(WebSessionId(7), "alice");
  auto loc = locator_.locate(*sip::parse_uri("sip:alice@localhost"));
  ASSERT_EQ(loc.status, sip::Location::Status::Found);
  ASSERT_EQ(loc.endpoints.size(), 1u);
  EXPECT_EQ(loc.endpoints[0].kind, sip::Endpoint::Kind::WebSession);
  EXPECT_EQ(loc.endpoints[0].next_hop.flow_id, 7u);
  EXPECT_EQ(agent_.session_offline(WebSessionId(7), now_), "alice");
  EXPECT_EQ(locator_.locate(*sip::parse_uri("sip:alice@localhost")).status,
            sip::Location::Status::Unavailable);
}

TEST_F(WebUserAgentTest, PhoneMessageReachesTheBrowserAnd200FollowsItsAck) {
  register_bob_phone();
  open(WebSessionId(7), "alice");
  proxy_->on_message(phone_message("sip:alice@localhost", "hello alice"), phone_, now_);
  pump();
  ASSERT_EQ(frames_.size(), 1u);
  const auto& f = frames_[0].body;
  EXPECT_EQ(f.at("type"), "message");
  EXPECT_EQ(f.at("direction"), "in");
  EXPECT_EQ(f.at("text"), "hello alice");
  EXPECT_EQ(f.at("from_user"), "bob");
  EXPECT_EQ(f.at("to_user"), "alice");
  EXPECT_FALSE(phone_answer()) << "no answer before the browser has the message";
  agent_.ack_message(WebSessionId(7), std::string(f.at("id").as_string()));
  pump();
  EXPECT_EQ(phone_answer(), 200);
}

TEST_F(WebUserAgentTest, UnacknowledgedMessageTimesOutWith408) {
  register_bob_phone();
  open(WebSessionId(7), "alice");
  proxy_->on_message(phone_message("sip:alice@localhost", "anyone?"), phone_, now_);
  pump();
  agent_.on_timer(now_ + WebUserAgent::kAckTimeout - std::chrono::seconds(1));
  pump();
  EXPECT_FALSE(phone_answer());
  agent_.on_timer(now_ + WebUserAgent::kAckTimeout + std::chrono::seconds(1));
  pump();
  EXPECT_EQ(phone_answer(), 408);
}

TEST_F(WebUserAgentTest, AckFromAnotherSessionIsIgnored) {
  register_bob_phone();
  open(WebSessionId(7), "alice");
  open(WebSessionId(8), "bob");
  proxy_->on_message(phone_message("sip:alice@localhost", "private"), phone_, now_);
  pump();
  ASSERT_FALSE(frames_.empty());
  agent_.ack_message(WebSessionId(8), std::string(frames_[0].body.at("id").as_string()));
  pump();
  EXPECT_FALSE(phone_answer());
}

TEST_F(WebUserAgentTest, NonTextMessageIs415AndTypingNoticeIsTakenSilently) {
  register_bob_phone();
  open(WebSessionId(7), "alice");
  proxy_->on_message(phone_message("sip:alice@localhost", "<x/>", "application/xml"), phone_, now_);
  pump();
  EXPECT_EQ(phone_answer(), 415);
  EXPECT_TRUE(frames_.empty());
}

TEST_F(WebUserAgentTest, BrowserMessageLeavesAsSipMessageFromThePublicIdentity) {
  register_bob_phone();
  open(WebSessionId(7), "alice");
  open(WebSessionId(9), "alice");  // another tab of alice gets a copy
  agent_.send_message(WebSessionId(7), {"c-1", "bob", "hi bob"}, now_);
  pump();
  ASSERT_EQ(network_.size(), 1u);
  const sip::Message& out = network_[0];
  EXPECT_EQ(out.method, sip::Method::Message);
  EXPECT_EQ(out.request_uri.to_string(), "sip:bob@192.0.2.20:5060");
  EXPECT_EQ(out.from.uri.to_string(), "sip:alice@localhost");
  EXPECT_EQ(out.from.display_name, "Alice");
  EXPECT_EQ(out.body, "hi bob");
  ASSERT_EQ(frames_.size(), 1u);  // the copy for the other tab
  EXPECT_EQ(frames_[0].session, WebSessionId(9));
  EXPECT_EQ(frames_[0].body.at("direction"), "out");

  sip::Message ok = sip::make_response(out, 200);
  ok.to.params.set("tag", "bobtag");
  proxy_->on_message(std::move(ok), phone_, now_);
  pump();
  ASSERT_EQ(frames_.size(), 2u);
  const auto& status = frames_[1].body;
  EXPECT_EQ(frames_[1].session, WebSessionId(7));
  EXPECT_EQ(status.at("type"), "message.status");
  EXPECT_EQ(status.at("id"), "c-1");
  EXPECT_EQ(status.at("status"), "delivered");
}

TEST_F(WebUserAgentTest, MessageToUnknownUserFailsWith404) {
  open(WebSessionId(7), "alice");
  agent_.send_message(WebSessionId(7), {"c-2", "nobody", "hello?"}, now_);
  pump();
  ASSERT_FALSE(frames_.empty());
  const auto& status = frames_.back().body;
  EXPECT_EQ(status.at("status"), "failed");
  EXPECT_EQ(status.at("code"), 404);
}

TEST_F(WebUserAgentTest, MessageToOfflineUserFailsWith480) {
  open(WebSessionId(7), "alice");
  agent_.send_message(WebSessionId(7), {"c-3", "bob", "are you there"}, now_);
  pump();
  ASSERT_FALSE(frames_.empty());
  EXPECT_EQ(frames_.back().body.at("code"), 480);
}

TEST_F(WebUserAgentTest, BrowserToBrowserMessageIsDeliveredOnAck) {
  open(WebSessionId(7), "alice");
  open(WebSessionId(8), "bob");
  agent_.send_message(WebSessionId(7), {"c-4", "bob", "web to web"}, now_);
  pump();
  const Frame* incoming = nullptr;
  for (const auto& f : frames_) {
    if (f.session == WebSessionId(8) && f.body.at("type") == "message") incoming = &f;
  }
  ASSERT_NE(incoming, nullptr);
  EXPECT_EQ(incoming->body.at("from_user"), "alice");
  agent_.ack_message(WebSessionId(8), std::string(incoming->body.at("id").as_string()));
  pump();
  EXPECT_EQ(frames_.back().session, WebSessionId(7));
  EXPECT_EQ(frames_.back().body.at("status"), "delivered");
}

TEST_F(WebUserAgentTest, BadRecipientFailsAt400WithoutSipTraffic) {
  open(WebSessionId(7), "alice");
  agent_.send_message(WebSessionId(7), {"c-5", "mailto:x@y", "nope"}, now_);
  pump();
  EXPECT_TRUE(network_.empty());
  ASSERT_EQ(frames_.size(), 1u);
  EXPECT_EQ(frames_[0].body.at("code"), 400);
}

TEST_F(WebUserAgentTest, BrowserCallIsDeclinedWhilePhonesStillRing) {
  open(WebSessionId(7), "alice");
  sip::Flow from = sip::Flow{0, false, std::string(kWebHost), 0, std::string(kWebTransport)};
  std::vector<sip::Endpoint> endpoints;
  agent_.add_endpoints("alice", endpoints);
  ASSERT_EQ(endpoints.size(), 1u);
  std::string t =
      "INVITE sip:alice@localhost SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKi1\r\n"
      "From: <sip:bob@localhost>;tag=1\r\nTo: <sip:alice@localhost>\r\nCall-ID: i1\r\n"
      "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
  auto invite = std::move(sip::parse_message(t, sip::Framing::Datagram)).value();
  from.id = 7;
  EXPECT_TRUE(agent_.deliver(invite, from));
  ASSERT_EQ(injected_.size(), 1u);
  EXPECT_EQ(injected_.front().first.status_code, 480);
  EXPECT_FALSE(agent_.deliver(invite, sip::Flow{99, true, std::string(kWebHost), 0, "WEB"}))
      << "a session that is gone is a transport error";
}

}  // namespace
}  // namespace parley::gateway

namespace parley::gateway {
namespace {

TEST_F(WebUserAgentTest, ResentMessageIdIsNotSentTwiceAndGetsItsStatusAgain) {
  register_bob_phone();
  open(WebSessionId(7), "alice");
  agent_.send_message(WebSessionId(7), {"c-9", "bob", "once"}, now_);
  pump();
  // The browser reconnected before the answer and sends its outbox again.
  agent_.send_message(WebSessionId(7), {"c-9", "bob", "once"}, now_);
  pump();
  ASSERT_EQ(network_.size(), 1u) << "one SIP MESSAGE only";
  sip::Message ok = sip::make_response(network_[0], 200);
  ok.to.params.set("tag", "bobtag");
  proxy_->on_message(std::move(ok), phone_, now_);
  pump();
  ASSERT_FALSE(frames_.empty());
  EXPECT_EQ(frames_.back().body.at("status"), "delivered");
  std::size_t before = frames_.size();
  // Once more after the answer: the known status comes back, nothing is sent.
  agent_.send_message(WebSessionId(7), {"c-9", "bob", "once"}, now_);
  pump();
  EXPECT_EQ(network_.size(), 1u) << "no new MESSAGE";
  ASSERT_EQ(frames_.size(), before + 1);
  EXPECT_EQ(frames_.back().body.at("id"), "c-9");
  EXPECT_EQ(frames_.back().body.at("status"), "delivered");
}

}  // namespace
}  // namespace parley::gateway

namespace parley::gateway {
namespace {

TEST_F(WebUserAgentTest, BrowserThatDoesNotAcknowledgeIsRefusedBeyondTheLimit) {
  open(WebSessionId(7), "alice");
  std::vector<sip::Endpoint> endpoints;
  agent_.add_endpoints("alice", endpoints);
  sip::Flow flow{7, true, std::string(kWebHost), 0, std::string(kWebTransport)};
  for (std::uint32_t i = 0; i <= WebUserAgent::kMaxUnacknowledged; ++i) {
    sip::Message m = phone_message("sip:alice@localhost", "n" + std::to_string(i));
    m.vias.front().params.set("branch", "z9hG4bKflood" + std::to_string(i));
    ASSERT_TRUE(agent_.deliver(m, flow));
  }
  EXPECT_EQ(frames_.size(), WebUserAgent::kMaxUnacknowledged);
  ASSERT_EQ(injected_.size(), 1u) << "only the one over the limit is answered at once";
  EXPECT_EQ(injected_.front().first.status_code, 480);
  injected_.clear();
  // One ack makes room for one more.
  agent_.ack_message(WebSessionId(7), std::string(frames_.front().body.at("id").as_string()));
  injected_.clear();
  ASSERT_TRUE(agent_.deliver(phone_message("sip:alice@localhost", "room again"), flow));
  EXPECT_TRUE(injected_.empty());
  EXPECT_EQ(frames_.size(), WebUserAgent::kMaxUnacknowledged + 1);
}

TEST_F(WebUserAgentTest, TooManySendsInFlightFailAtOnce) {
  register_bob_phone();
  open(WebSessionId(7), "alice");
  for (std::uint32_t i = 0; i < WebUserAgent::kMaxInFlight; ++i) {
    agent_.send_message(WebSessionId(7), {"c" + std::to_string(i), "bob", "x"}, now_);
  }
  pump();
  EXPECT_EQ(network_.size(), WebUserAgent::kMaxInFlight);
  agent_.send_message(WebSessionId(7), {"over", "bob", "x"}, now_);
  pump();
  EXPECT_EQ(network_.size(), WebUserAgent::kMaxInFlight);
  ASSERT_FALSE(frames_.empty());
  EXPECT_EQ(frames_.back().body.at("id"), "over");
  EXPECT_EQ(frames_.back().body.at("code"), 503);
  // Answers free the slots.
  sip::Message ok = sip::make_response(network_.front(), 200);
  ok.to.params.set("tag", "t");
  proxy_->on_message(std::move(ok), phone_, now_);
  pump();
  agent_.send_message(WebSessionId(7), {"next", "bob", "x"}, now_);
  pump();
  EXPECT_EQ(network_.size(), WebUserAgent::kMaxInFlight + 1);
}

}  // namespace
}  // namespace parley::gateway
