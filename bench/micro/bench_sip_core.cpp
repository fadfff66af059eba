// Micro benchmark of the REGISTER-with-digest path on the core thread, as
// the reference's SIPp scenario drives it: datagram bytes → parse → Via
// stamp → Proxy::on_message → 401 serialized; then the REGISTER with
// Authorization → 200 serialized. Real parser, transaction layer, proxy,
// DigestAuthenticator (MD5 only, as bench/run.sh configures it), registrar
// and serializer; only the socket is missing. The client's work (writing the
// requests, computing the digest response) is not timed.
// Thread: the benchmark's.
#include <benchmark/benchmark.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "base/log.hpp"
#include "sip/auth/digest_authenticator.hpp"
#include "sip/message/parser.hpp"
#include "sip/message/serializer.hpp"
#include "sip/proxy/proxy.hpp"
#include "sip/registrar/registrar.hpp"
#include "sip/transport/via_stamp.hpp"

namespace {

using namespace parley;
using namespace parley::sip;

constexpr std::string_view kDomain = "127.0.0.1";
constexpr int kClientUsers = 100000;  // BM_ClientSide's user names

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Accounts user1..userN with password pwN, HA1 precomputed as the store keeps it.
class Directory : public Locator, public SenderIdentities, public auth::Ha1Lookup {
 public:
  explicit Directory(int users) {
    for (int i = 1; i <= users; ++i) {
      const std::string name = "user" + std::to_string(i);
      ha1_.emplace(name, auth::compute_ha1(auth::Algorithm::Md5, name, kDomain,
                                           "pw" + std::to_string(i)));
    }
  }
  Location locate(const Uri&) override { return {}; }
  std::vector<std::string> accounts_for_sender(std::string_view) override { return {}; }
  std::optional<std::string> find_ha1(std::string_view username, auth::Algorithm) override {
    auto it = ha1_.find(username);
    if (it == ha1_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> ha1_;
};

// What the transport adapter does with a message: serialize it (the
// sendto itself is left out). Keeps the last wire text for the client.
class WireSender : public SipSender {
 public:
  bool send(const Message& message, const Flow&, TransactionId) override {
    last = serialize(message);
    return true;
  }
  std::string last;
};

class CountingObserver : public ProxyObserver {
 public:
  void on_binding_changes(std::vector<registrar::BindingChange> c) override {
    changes += c.size();
  }
  std::size_t changes = 0;
};

// Everything a Parley process has on its core thread for SIP.
struct Server {
  explicit Server(int users)
      : authenticator(digest_config(), "bench-secret"),
        directory(users),
        proxy(proxy_config(), TransactionConfig{},
              ProxyDeps{registrar, authenticator, directory, directory, directory, sender,
                        observer}) {}

  static auth::DigestConfig digest_config() {
    auth::DigestConfig c;
    c.realm = std::string(kDomain);
    c.offer_sha256 = false;  // digest_algorithms = ["MD5"]
    return c;
  }
  static ProxyConfig proxy_config() {
    ProxyConfig c;
    c.domain = std::string(kDomain);
    c.addresses = {{"UDP", std::string(kDomain), 5090}};
    c.is_trusted = [](std::string_view ip) { return ip == "127.0.0.1"; };
    return c;
  }

  // TransportLayer::Impl::deliver + SipService::on_message, minus the socket.
  void receive(std::string_view datagram, const Flow& from) {
    Message m;
    if (parse_message_into(datagram, Framing::Datagram, ParseLimits{}, m)) return;
    if (m.is_request()) transport::stamp_received(m, from.host, from.port);
    proxy.on_message(std::move(m), from, SteadyClock::now());
  }

  registrar::Registrar registrar;
  auth::DigestAuthenticator authenticator;
  Directory directory;
  WireSender sender;
  CountingObserver observer;
  Proxy proxy;
};

// The SIPp client of register.xml: one call per user, users in sequence.
struct Client {
  Flow flow;
  std::uint64_t call = 0;

  Client() {
    flow.host = "127.0.0.1";
    flow.port = 5080;
    flow.transport = "UDP";
  }

  std::string request(int user, int cseq, const std::string& authorization) const {
    const std::string u = "user" + std::to_string(user);
    std::string t = "REGISTER sip:127.0.0.1 SIP/2.0\r\n";
    t += "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-4242-" + std::to_string(call) + "-" +
         std::to_string(cseq) + "\r\n";
    t += "Max-Forwards: 70\r\n";
    t += "From: <sip:" + u + "@127.0.0.1>;tag=4242SIPpTag00" + std::to_string(call) + "\r\n";
    t += "To: <sip:" + u + "@127.0.0.1>\r\n";
    t += "Call-ID: " + std::to_string(call) + "-4242@127.0.0.1\r\n";
    t += "CSeq: " + std::to_string(cseq) + " REGISTER\r\n";
    t += "Contact: <sip:" + u + "@127.0.0.1:5081>\r\n";
    t += "Expires: 3600\r\n";
    if (!authorization.empty()) t += authorization + "\r\n";
    t += "Content-Length: 0\r\n\r\n";
    return t;
  }

  // SIPp's answer to the 401 (its -auth_uri gives uri="sip:sip:127.0.0.1").
  static std::string authorization(int user, std::string_view challenge) {
    const auto at = challenge.find("nonce=\"");
    if (at == std::string_view::npos) return {};
    const auto end = challenge.find('"', at + 7);
    auth::DigestCredentials c;
    c.username = "user" + std::to_string(user);
    c.realm = std::string(kDomain);
    c.nonce = std::string(challenge.substr(at + 7, end - at - 7));
    c.uri = "sip:sip:127.0.0.1";
    c.qop = "auth";
    c.nc_text = "00000001";
    c.cnonce = "6b8b4567";
    const std::string ha1 =
        auth::compute_ha1(auth::Algorithm::Md5, c.username, kDomain, "pw" + std::to_string(user));
    const std::string response = auth::compute_response(auth::Algorithm::Md5, ha1, "REGISTER", c);
    return "Authorization: Digest username=\"" + c.username + "\",realm=\"" + c.realm +
           "\",cnonce=\"" + c.cnonce + "\",nc=" + c.nc_text + ",qop=auth,uri=\"" + c.uri +
           "\",nonce=\"" + c.nonce + "\",response=\"" + response + "\",algorithm=MD5";
  }
};

// One REGISTER call: false on a wrong answer.
bool one_call(Server& s, Client& c, int user) {
  ++c.call;
  s.receive(c.request(user, 1, {}), c.flow);
  if (s.sender.last.rfind("SIP/2.0 401", 0) != 0) return false;
  s.receive(c.request(user, 2, Client::authorization(user, s.sender.last)), c.flow);
  return s.sender.last.rfind("SIP/2.0 200", 0) == 0;
}

// Both halves of the call with the client's work; users cycle, so after the
// first pass every 200 is a refresh, as in the benchmark's steady state.
// CPU time, not wall time: the machine is shared. The server's share is this
// minus BM_ClientSide.
// Argument: the number of accounts (bench/run.sh registers 100,000).
void BM_RegisterCall(benchmark::State& state) {
  log::set_level("warn");  // bench/run.sh's [log] level
  const int users = static_cast<int>(state.range(0));
  Server server(users);
  Client client;
  for (int u = 1; u <= users; ++u) {
    if (!one_call(server, client, u)) {
      state.SkipWithError("warm-up REGISTER failed");
      return;
    }
  }
  int user = 0;
  for (auto _ : state) {
    user = user % users + 1;
    if (!one_call(server, client, user)) {
      state.SkipWithError(("unexpected answer: " + server.sender.last.substr(0, 40)).c_str());
      return;
    }
  }
  state.counters["bindings"] = static_cast<double>(server.registrar.binding_count());
  state.counters["transactions"] = static_cast<double>(server.proxy.transactions().size());
}
BENCHMARK(BM_RegisterCall)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond)->MinTime(3.0);

// The client's share of BM_RegisterCall: both requests written, the 401
// read and the digest response computed, with no server.
void BM_ClientSide(benchmark::State& state) {
  Client client;
  const std::string challenge =
      "SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"127.0.0.1\", "
      "nonce=\"0000019ad1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8\", "
      "algorithm=MD5, qop=\"auth\"\r\n";
  int user = 0;
  for (auto _ : state) {
    user = user % kClientUsers + 1;
    ++client.call;
    std::string first = client.request(user, 1, {});
    benchmark::DoNotOptimize(first);
    std::string second = client.request(user, 2, Client::authorization(user, challenge));
    benchmark::DoNotOptimize(second);
  }
}
BENCHMARK(BM_ClientSide)->Unit(benchmark::kMicrosecond);

// The pieces, for the profile: parse alone and serialize alone of the
// authenticated REGISTER.
void BM_ParseAuthenticatedRegister(benchmark::State& state) {
  Client client;
  const std::string text =
      client.request(7, 2, Client::authorization(7, "nonce=\"0123456789abcdef\""));
  for (auto _ : state) {
    auto m = parse_message(text, Framing::Datagram);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_ParseAuthenticatedRegister)->Unit(benchmark::kMicrosecond);

void BM_SerializeRegister(benchmark::State& state) {
  Client client;
  const Message m = parse_message(client.request(7, 1, {}), Framing::Datagram).value();
  for (auto _ : state) {
    auto wire = serialize(m);
    benchmark::DoNotOptimize(wire);
  }
}
BENCHMARK(BM_SerializeRegister)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
