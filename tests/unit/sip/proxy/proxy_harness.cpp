#include "proxy_harness.hpp"

#include "base/strings.hpp"
#include "sip/message/response_builder.hpp"

namespace parley::sip::test {

std::vector<std::string> FakeDirectory::accounts_of(std::string_view name) const {
  if (auto u = users_.find(name); u != users_.end()) return u->second;
  if (passwords_.count(name)) return {std::string(name)};
  return {};
}

Location FakeDirectory::locate(const Uri& request_uri) {
  ++locate_calls;
  Location loc;
  const std::string user = request_uri.user_unescaped();
  if (!users_.count(user) && !passwords_.count(user)) return loc;  // UnknownUser
  for (const auto& account : accounts_of(user)) {
    for (const auto& b : registrar_.contacts(account, now_)) {
      Endpoint e;
      e.uri = b.uri;
      e.next_hop = NextHop{b.source.transport, b.source.ip, b.source.port, b.source.flow_id};
      e.path = b.path;
      e.q = static_cast<float>(b.q_milli) / 1000.0F;
      e.identity = b.aor;
      loc.endpoints.push_back(std::move(e));
    }
  }
  loc.status = loc.endpoints.empty() ? Location::Status::Unavailable : Location::Status::Found;
  return loc;
}

std::vector<std::string> FakeDirectory::accounts_for_sender(std::string_view from_user) {
  return accounts_of(from_user);
}

std::optional<std::string> FakeDirectory::find_ha1(std::string_view username, auth::Algorithm a) {
  auto it = passwords_.find(username);
  if (it == passwords_.end()) return std::nullopt;
  return auth::compute_ha1(a, username, "localhost", it->second);
}

std::string Req::text() const {
  std::string t = method + " " + ruri + " SIP/2.0\r\n";
  t += "Via: SIP/2.0/" + via + ";branch=" + branch + "\r\n";
  if (max_forwards) t += "Max-Forwards: " + std::to_string(*max_forwards) + "\r\n";
  t += "From: <" + from + ">" + (from_tag.empty() ? "" : ";tag=" + from_tag) + "\r\n";
  t += "To: <" + (to.empty() ? ruri : to) + ">" + (to_tag.empty() ? "" : ";tag=" + to_tag) + "\r\n";
  t += "Call-ID: " + call_id + "\r\n";
  t += "CSeq: " + std::to_string(cseq) + " " + method + "\r\n";
  for (const auto& h : extra) t += h + "\r\n";
  t += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return t;
}

Message parse(const std::string& text) {
  auto m = parse_message(text, Framing::Datagram);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().reason) << "\n" << text;
  return m.ok() ? std::move(m).value() : Message{};
}

Flow udp(const std::string& host, std::uint16_t port) {
  Flow f;
  f.host = host;
  f.port = port;
  f.transport = "UDP";
  return f;
}

std::string digest_param(std::string_view challenge, std::string_view name) {
  std::string key = std::string(name) + "=\"";
  auto at = challenge.find(key);
  if (at == std::string_view::npos) return {};
  at += key.size();
  auto end = challenge.find('"', at);
  return end == std::string_view::npos ? std::string() : std::string(challenge.substr(at, end - at));
}

ProxyTest::ProxyTest()
    : authenticator_(auth::DigestConfig{}, "proxy-test-secret"), directory_(registrar_, now_) {
  config_.domain = "localhost";
  config_.addresses = {{"UDP", "127.0.0.1", 5060}, {"TCP", "127.0.0.1", 5060}};
  config_.is_trusted = [](std::string_view ip) { return ip == "10.9.9.9"; };
  directory_.add_account("alice-phone", "pw-phone");
  directory_.add_account("alice-desk", "pw-desk");
  directory_.add_account("bob", "pw-bob");
  directory_.add_account("carol", "pw-carol");
  directory_.add_account("eve", "pw-eve");
  directory_.add_user("alice", {"alice-phone", "alice-desk"});
  directory_.add_user("bob", {"bob"});
  directory_.add_user("carol", {"carol"});
  directory_.add_user("eve", {"eve"});
  ProxyDeps deps{registrar_, authenticator_, directory_, directory_, directory_, sender_, observer_};
  proxy_ = std::make_unique<Proxy>(config_, TransactionConfig{}, deps);
}

std::vector<Sent> ProxyTest::deliver(const Message& m, const Flow& from) {
  sender_.sent.clear();
  proxy_->on_message(Message(m), from, now_);
  return std::move(sender_.sent);
}

std::vector<Sent> ProxyTest::advance(Millis by) {
  sender_.sent.clear();
  const TimePoint target = now_ + by;
  for (int guard = 0; guard < 100000; ++guard) {
    auto d = proxy_->next_deadline();
    if (!d || *d > target) break;
    if (*d > now_) now_ = *d;
    proxy_->on_timer(now_);
  }
  now_ = target;
  proxy_->on_timer(now_);
  return std::move(sender_.sent);
}

std::string ProxyTest::credentials(const Message& challenge, const Req& r,
                                   const std::string& account, const std::string& password,
                                   auth::Algorithm alg, std::uint32_t nc) const {
  const bool proxy = challenge.status_code == 407;
  std::string value;
  for (auto v : challenge.header_values(proxy ? "Proxy-Authenticate" : "WWW-Authenticate")) {
    if (v.find(std::string("algorithm=") + std::string(auth::to_string(alg))) != std::string::npos) {
      value = std::string(v);
    }
  }
  EXPECT_FALSE(value.empty()) << "no " << auth::to_string(alg) << " challenge";
  auth::DigestCredentials c;
  c.username = account;
  c.realm = digest_param(value, "realm");
  c.nonce = digest_param(value, "nonce");
  c.uri = r.ruri;
  c.qop = "auth";
  char nc_text[9];
  std::snprintf(nc_text, sizeof nc_text, "%08x", nc);
  c.nc_text = nc_text;
  c.cnonce = "0a4f113b";
  const std::string ha1 = auth::compute_ha1(alg, account, c.realm, password);
  const std::string response = auth::compute_response(alg, ha1, r.method, c);
  return std::string(proxy ? "Proxy-Authorization" : "Authorization") + ": Digest username=\"" +
         account + "\", realm=\"" + c.realm + "\", nonce=\"" + c.nonce + "\", uri=\"" + c.uri +
         "\", response=\"" + response + "\", algorithm=" + std::string(auth::to_string(alg)) +
         ", qop=auth, nc=" + c.nc_text + ", cnonce=\"" + c.cnonce + "\"";
}

Message ProxyTest::register_account(const std::string& account, const std::string& password,
                                    const std::string& contact, const Flow& from,
                                    std::vector<std::string> extra) {
  static int serial = 0;
  ++serial;
  Req r;
  r.method = "REGISTER";
  r.ruri = "sip:localhost";
  r.from = r.to = "sip:" + account + "@localhost";
  r.call_id = "reg-" + account + "-" + std::to_string(serial);
  r.branch = "z9hG4bKreg" + std::to_string(serial) + "a";
  r.via = from.transport + " " + from.host + ":" + std::to_string(from.port);
  r.extra = std::move(extra);
  r.extra.push_back("Contact: " + contact);
  auto first = deliver(r, from);
  if (first.size() != 1 || first[0].message.status_code != 401) {
    ADD_FAILURE() << "REGISTER without credentials was not challenged";
    return first.empty() ? Message{} : first.back().message;
  }
  r.cseq = 2;
  r.branch = "z9hG4bKreg" + std::to_string(serial) + "b";
  r.extra.push_back(credentials(first[0].message, r, account, password, auth::Algorithm::Md5));
  auto second = deliver(r, from);
  if (second.size() != 1) {
    ADD_FAILURE() << "REGISTER with credentials: " << second.size() << " sends";
    return second.empty() ? Message{} : second.back().message;
  }
  return second[0].message;
}

void ProxyTest::register_cast() {
  ASSERT_EQ(register_account("alice-phone", "pw-phone", "<sip:alice-phone@192.0.2.11:5060>",
                             alice_phone_).status_code, 200);
  ASSERT_EQ(register_account("alice-desk", "pw-desk", "<sip:alice-desk@10.0.0.5:5060>",
                             alice_desk_).status_code, 200);
  ASSERT_EQ(register_account("bob", "pw-bob", "<sip:bob@192.0.2.20:5060>", bob_).status_code, 200);
  cast_challenges_ = proxy_->stats().challenges;
}

Message ProxyTest::answer(const Message& forwarded, int status, const std::string& to_tag,
                          const std::string& contact) {
  Message r = make_response(forwarded, status);
  if (status > 100 && r.to.tag().empty()) r.to.params.set("tag", to_tag);
  // RFC 3261 §12.1.1: a UAS copies Record-Route into dialog-creating responses.
  if (status > 100 && status < 300 && forwarded.method == Method::Invite) {
    r.record_routes = forwarded.record_routes;
  }
  if (!contact.empty()) {
    if (auto c = parse_name_addr(contact)) r.contacts.push_back(std::move(c).value());
  }
  // Round-trip through the wire form, as a real callee's response would arrive.
  return parse(serialize(r));
}

std::vector<const Sent*> to_peer(const std::vector<Sent>& sent, const Flow& peer) {
  std::vector<const Sent*> out;
  for (const auto& s : sent) {
    if (s.flow.host == peer.host && s.flow.port == peer.port) out.push_back(&s);
  }
  return out;
}

const Sent* only_to(const std::vector<Sent>& sent, const Flow& peer) {
  auto v = to_peer(sent, peer);
  if (v.size() != 1) {
    std::string all;
    for (const auto& s : sent) all += s.flow.host + ":" + std::to_string(s.flow.port) + "\n" + s.wire;
    ADD_FAILURE() << v.size() << " sends to " << peer.host << ":" << peer.port << "; all:\n" << all;
    return nullptr;
  }
  return v[0];
}

}  // namespace parley::sip::test
