// Heap footprint of answered transactions. Over UDP every non-INVITE server
// transaction lives 64*T1 (32 s) after its final response, INVITE ones as
// long (Timers L, H), client ones 5 s (K) or 32 s (M, D), so at benchmark
// rates (bench/RESULTS.md) hundreds of thousands are alive at once: their
// size dominates the server's memory, and freeing them after an overload
// costs CPU in proportion to how many blocks each holds.
#include "sip/transaction/transaction_layer.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include <memory>
#include <string>

#include "sip/message/parser.hpp"
#include "sip/transaction/transaction_messages.hpp"

namespace parley::sip {
namespace {

using namespace std::chrono_literals;

Message sipp_register(int i, bool with_credentials) {
  std::string text =
      "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-1234-" + std::to_string(i) +
      (with_credentials ? "-2" : "-0") + ";received=127.0.0.1;rport=5080\r\n"
      "Max-Forwards: 70\r\n"
      "From: <sip:user" + std::to_string(i) + "@127.0.0.1>;tag=1234SIPpTag" + std::to_string(i) + "\r\n"
      "To: <sip:user" + std::to_string(i) + "@127.0.0.1>\r\n"
      "Call-ID: " + std::to_string(i) + "-1234@127.0.0.1\r\n"
      "CSeq: " + (with_credentials ? "2" : "1") + " REGISTER\r\n"
      "Contact: <sip:user" + std::to_string(i) + "@127.0.0.1:5081>\r\n"
      "Expires: 3600\r\n"
      "Content-Length: 0\r\n\r\n";
  auto m = parse_message(text, Framing::Datagram);
  return m.ok() ? std::move(m).value() : Message{};
}

std::size_t heap_in_use() { return mallinfo2().uordblks; }

struct Footprint {
  double per_transaction = 0;
  std::size_t alive = 0;
};

const TimePoint kNow = TimePoint{} + 1000h;
const Flow kUdpPeer{0, false, "127.0.0.1", 5080, "UDP"};

// Heap per transaction after `one(layer, i, out)` ran for i = 1..n on a
// fresh layer, and how many transactions are then alive.
template <typename One>
Footprint footprint(int n, One one, TransactionConfig config = {}) {
  config.max_transactions = static_cast<std::size_t>(n) + 10;
  auto layer = std::make_unique<TransactionLayer>(config);
  std::vector<Action> out;
  const std::size_t before = heap_in_use();
  for (int i = 1; i <= n; ++i) {
    out.clear();
    one(*layer, i, out);
  }
  out.clear();
  out.shrink_to_fit();
  return Footprint{static_cast<double>(heap_in_use() - before) / n, layer->size()};
}

// n REGISTERs answered with `status` (a 200 with the binding, or a 401
// challenge), all left in Completed as over UDP.
Footprint measure(int n, int status, TransactionConfig config = {}) {
  return footprint(n, [status](TransactionLayer& layer, int i, std::vector<Action>& out) {
    layer.on_message(sipp_register(i, status == 200), kUdpPeer, kNow, out);
    const Action& created = out.front();
    Message resp = build_response(created.message, status, status == 200 ? "OK" : "Unauthorized",
                                  "5cd6444494d57a73");
    resp.add_header("Server", "Parley");
    if (status == 200) {
      resp.contacts = created.message.contacts;
      resp.contacts.front().params.set("expires", "3600");
    } else {
      resp.add_header("WWW-Authenticate",
                      "Digest realm=\"127.0.0.1\", nonce=\"0000000000261d221a7e9fdc1d4280b4692cda"
                      "887c23919f3abba6194c89866b\", algorithm=MD5, qop=\"auth\"");
    }
    const TransactionId id = created.txn;
    out.clear();
    layer.send_response(id, std::move(resp), kNow, out);
  }, config);
}

TEST(TransactionMemory, CompletedRegisterTransactions) {
  constexpr int kN = 50000;
  const Footprint ok = measure(kN, 200);
  EXPECT_EQ(ok.alive, static_cast<std::size_t>(kN));  // 200s wait out Timer J
  std::printf("completed REGISTER/200 server transaction: %.0f B each\n", ok.per_transaction);
  EXPECT_LT(ok.per_transaction, 1200.0);
}

// A request as SIPp's UAC scenarios send it through the proxy (one Via
// added by us), with a body of `body` bytes.
Message relayed(Method method, int i, std::size_t body) {
  const std::string name(to_string(method));
  std::string text =
      name + " sip:user" + std::to_string(i) + "@127.0.0.1:5081 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-parley-" + std::to_string(i) + "\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-1234-" + std::to_string(i) +
      ";received=127.0.0.1;rport=5080\r\n"
      "Max-Forwards: 69\r\n"
      "Record-Route: <sip:127.0.0.1:5090;lr>\r\n"
      "From: <sip:caller@127.0.0.1>;tag=1234SIPpTag" + std::to_string(i) + "\r\n"
      "To: <sip:user" + std::to_string(i) + "@127.0.0.1>\r\n"
      "Call-ID: " + std::to_string(i) + "-1234@127.0.0.1\r\n"
      "CSeq: 1 " + name + "\r\n"
      "Contact: <sip:caller@127.0.0.1:5080>\r\n"
      "Content-Type: application/sdp\r\n"
      "Content-Length: " + std::to_string(body) + "\r\n\r\n" + std::string(body, 'v');
  auto m = parse_message(text, Framing::Datagram);
  return m.ok() ? std::move(m).value() : Message{};
}

// n client transactions over UDP that received `status`: non-INVITEs wait
// out Timer K, INVITEs Timer M (2xx) or D (3xx-6xx).
Footprint measure_client(int n, Method method, int status) {
  return footprint(n, [method, status](TransactionLayer& layer, int i, std::vector<Action>& out) {
    Message request = relayed(method, i, 300);
    Message response = build_response(request, status, "Whatever", "uas-tag");
    ASSERT_TRUE(layer.send_request(std::move(request), kUdpPeer, kNow, out).ok());
    out.clear();
    layer.on_message(std::move(response), kUdpPeer, kNow, out);
  });
}

// n server INVITE transactions over UDP answered with `status` by the TU:
// Accepted (2xx, Timer L) or Completed (3xx-6xx, Timers G and H).
Footprint measure_server_invite(int n, int status) {
  return footprint(n, [status](TransactionLayer& layer, int i, std::vector<Action>& out) {
    Message invite = relayed(Method::Invite, i, 300);
    invite.vias.erase(invite.vias.begin());  // as received, before our Via
    layer.on_message(std::move(invite), kUdpPeer, kNow, out);
    const Action& created = out.front();
    Message resp = build_response(created.message, status, "Whatever", "uas-tag");
    resp.body.assign(status < 300 ? 300 : 0, 'v');
    const TransactionId id = created.txn;
    out.clear();
    layer.send_response(id, std::move(resp), kNow, out);
  });
}

// A forwarded MESSAGE's client transaction keeps nothing of its request
// once the final response came: it only absorbs retransmitted finals.
TEST(TransactionMemory, CompletedClientMessageTransactionsKeepNoRequest) {
  constexpr int kN = 20000;
  const Footprint f = measure_client(kN, Method::Message, 200);
  EXPECT_EQ(f.alive, static_cast<std::size_t>(kN));  // Timer K
  std::printf("completed MESSAGE client transaction: %.0f B each\n", f.per_transaction);
  EXPECT_LT(f.per_transaction, 1000.0);  // 3,633 B while it kept the parsed request
}

TEST(TransactionMemory, AcceptedClientInviteTransactionsKeepNoRequest) {
  constexpr int kN = 20000;
  const Footprint ok = measure_client(kN, Method::Invite, 200);
  EXPECT_EQ(ok.alive, static_cast<std::size_t>(kN));  // Timer M
  std::printf("accepted INVITE client transaction: %.0f B each\n", ok.per_transaction);
  EXPECT_LT(ok.per_transaction, 1000.0);  // 3,633 B while it kept the parsed request
  // Completed keeps the ACK it resends, in wire form.
  const Footprint busy = measure_client(kN, Method::Invite, 486);
  EXPECT_EQ(busy.alive, static_cast<std::size_t>(kN));  // Timer D
  std::printf("completed INVITE client transaction: %.0f B each\n", busy.per_transaction);
  EXPECT_LT(busy.per_transaction, 1600.0);  // 5,265 B with the INVITE and the ACK parsed
}

TEST(TransactionMemory, AnsweredServerInviteTransactions) {
  constexpr int kN = 20000;
  const Footprint ok = measure_server_invite(kN, 200);
  EXPECT_EQ(ok.alive, static_cast<std::size_t>(kN));  // Timer L
  std::printf("accepted INVITE server transaction: %.0f B each\n", ok.per_transaction);
  EXPECT_LT(ok.per_transaction, 1000.0);  // 2,681 B with the 2xx kept parsed
  const Footprint busy = measure_server_invite(kN, 486);
  EXPECT_EQ(busy.alive, static_cast<std::size_t>(kN));  // Timer H
  std::printf("completed INVITE server transaction: %.0f B each\n", busy.per_transaction);
  EXPECT_LT(busy.per_transaction, 1600.0);  // 2,425 B with the final kept parsed
}

}  // namespace
}  // namespace parley::sip
