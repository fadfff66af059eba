// Test harness for sip::Proxy: the real Registrar and DigestAuthenticator, a
// fake directory (Locator, SenderIdentities, Ha1Lookup) backed by the
// registrar's bindings, a sender that records every (Message, Flow), and a
// manual clock. Requests are written as wire text and parsed, so the tests
// exercise what a transport would hand the proxy. Thread: test.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sip/auth/digest_authenticator.hpp"
#include "sip/message/parser.hpp"
#include "sip/message/serializer.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/registrar/registrar.hpp"

namespace parley::sip::test {

struct Sent {
  Message message;
  Flow flow;
  std::string wire;  // serialize(message)
};

class RecordingSender : public SipSender {
 public:
  bool send(const Message& message, const Flow& flow, TransactionId) override {
    sent.push_back(Sent{message, flow, serialize(message)});
    return !fail_sends;
  }
  std::vector<Sent> sent;
  bool fail_sends = false;  // every send reports that nothing could be queued
};

class RecordingObserver : public ProxyObserver {
 public:
  void on_binding_changes(std::vector<registrar::BindingChange> c) override {
    changes.insert(changes.end(), c.begin(), c.end());
  }
  std::vector<registrar::BindingChange> changes;
};

// Users own accounts (DESIGN.md "Identities"); accounts have passwords.
class FakeDirectory : public Locator, public SenderIdentities, public auth::Ha1Lookup {
 public:
  FakeDirectory(registrar::Registrar& registrar, const TimePoint& now)
      : registrar_(registrar), now_(now) {}
  void add_account(const std::string& account, const std::string& password) {
    passwords_[account] = password;
  }
  void add_user(const std::string& user, std::vector<std::string> accounts) {
    users_[user] = std::move(accounts);
  }

  Location locate(const Uri& request_uri) override;
  std::vector<std::string> accounts_for_sender(std::string_view from_user) override;
  std::optional<std::string> find_ha1(std::string_view username, auth::Algorithm a) override;

  int locate_calls = 0;

 private:
  std::vector<std::string> accounts_of(std::string_view name) const;
  registrar::Registrar& registrar_;
  const TimePoint& now_;
  std::map<std::string, std::string, std::less<>> passwords_;
  std::map<std::string, std::vector<std::string>, std::less<>> users_;
};

// A request as written by a test; text() turns it into wire bytes.
struct Req {
  std::string method = "MESSAGE";
  std::string ruri = "sip:alice@localhost";
  std::string from = "sip:bob@localhost";
  std::string from_tag = "ftag1";
  std::string to;  // defaults to ruri
  std::string to_tag;
  std::string call_id = "call-1@test";
  std::uint32_t cseq = 1;
  std::string branch = "z9hG4bKclient1";
  std::string via = "UDP 192.0.2.20:5060";  // transport and sent-by
  std::optional<int> max_forwards = 70;
  std::vector<std::string> extra;  // whole header lines
  std::string body;

  std::string text() const;
};

Message parse(const std::string& text);
Flow udp(const std::string& host, std::uint16_t port);
// Value of a quoted digest parameter (nonce, realm) in a challenge value.
std::string digest_param(std::string_view challenge, std::string_view name);

class ProxyTest : public ::testing::Test {
 protected:
  ProxyTest();

  // Feeds the proxy; returns what it sent in reaction, and forgets it.
  std::vector<Sent> deliver(const Message& m, const Flow& from);
  std::vector<Sent> deliver(const Req& r, const Flow& from) { return deliver(parse(r.text()), from); }
  // Moves the clock, firing every due deadline on the way; returns the sends.
  std::vector<Sent> advance(Millis by);

  // "Authorization: Digest ..." (or Proxy-) answering `challenge` (a 401/407).
  std::string credentials(const Message& challenge, const Req& r, const std::string& account,
                          const std::string& password, auth::Algorithm alg,
                          std::uint32_t nc = 1) const;
  // REGISTER with the full digest exchange; returns the final response sent.
  Message register_account(const std::string& account, const std::string& password,
                           const std::string& contact, const Flow& from,
                           std::vector<std::string> extra = {});
  // Registers the standard cast: alice-phone, alice-desk (behind NAT), bob.
  void register_cast();

  // A response a callee sends to the request the proxy forwarded.
  static Message answer(const Message& forwarded, int status, const std::string& to_tag,
                        const std::string& contact = {});

  ProxyConfig config_;
  TimePoint now_ = TimePoint{} + std::chrono::hours(1000);
  registrar::Registrar registrar_;
  auth::DigestAuthenticator authenticator_;
  FakeDirectory directory_;
  RecordingSender sender_;
  RecordingObserver observer_;
  std::unique_ptr<Proxy> proxy_;
  std::uint64_t cast_challenges_ = 0;  // challenges the cast's REGISTERs cost

  std::uint64_t new_challenges() const { return proxy_->stats().challenges - cast_challenges_; }

  // The cast (register_cast): where each device sends from.
  const Flow bob_ = udp("192.0.2.20", 5060);
  const Flow alice_phone_ = udp("192.0.2.11", 5060);
  const Flow alice_desk_ = udp("192.0.2.12", 40000);  // NAT: contact says 10.0.0.5
  const Flow stranger_ = udp("198.51.100.7", 5060);
  const Flow trunk_ = udp("10.9.9.9", 5060);  // is_trusted
};

// Sends in `sent` going to host:port.
std::vector<const Sent*> to_peer(const std::vector<Sent>& sent, const Flow& peer);
// The one send to host:port; nullptr (and a test failure) unless exactly one.
const Sent* only_to(const std::vector<Sent>& sent, const Flow& peer);

}  // namespace parley::sip::test
