// Heap footprint of completed server transactions. Over UDP every
// non-INVITE server transaction lives 64*T1 (32 s) after its final response,
// so at benchmark rates (bench/RESULTS.md) hundreds of thousands are alive at
// once and their size dominates the server's memory.
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

// n REGISTERs answered with `status` (a 200 with the binding, or a 401
// challenge), all left in Completed as over UDP.
Footprint measure(int n, int status, TransactionConfig config = {}) {
  config.max_transactions = static_cast<std::size_t>(n) + 10;
  const TimePoint now = TimePoint{} + 1000h;
  const Flow from{0, false, "127.0.0.1", 5080, "UDP"};
  auto layer = std::make_unique<TransactionLayer>(config);
  std::vector<Action> out;
  const std::size_t before = heap_in_use();
  for (int i = 1; i <= n; ++i) {
    out.clear();
    layer->on_message(sipp_register(i, status == 200), from, now, out);
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
    layer->send_response(id, std::move(resp), now, out);
  }
  out.clear();
  out.shrink_to_fit();
  Footprint f;
  f.alive = layer->size();
  f.per_transaction = static_cast<double>(heap_in_use() - before) / n;
  return f;
}

TEST(TransactionMemory, CompletedRegisterTransactions) {
  constexpr int kN = 50000;
  const Footprint ok = measure(kN, 200);
  EXPECT_EQ(ok.alive, static_cast<std::size_t>(kN));  // 200s wait out Timer J
  std::printf("completed REGISTER/200 server transaction: %.0f B each\n", ok.per_transaction);
  EXPECT_LT(ok.per_transaction, 1200.0);
}

}  // namespace
}  // namespace parley::sip
