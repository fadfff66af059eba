#include "sip/transaction/transaction_messages.hpp"

#include <atomic>
#include <cstdint>
#include <random>

#include "base/strings.hpp"
#include "sip/message/response_builder.hpp"

namespace parley::sip {
namespace {

// splitmix64's finaliser: a bijection on 64-bit values, so distinct counter
// values give distinct outputs (uniqueness), and the output looks random.
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t random_seed() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

void add_tag(NameAddr& na, std::string_view tag) {
  for (const Param& p : na.params.all()) {
    if (iequals(p.name, "tag")) return;
  }
  na.params.all().push_back(Param{"tag", std::string(tag), true});
}

}  // namespace

std::string_view param_value(const Params& params, std::string_view name) {
  for (const Param& p : params.all()) {
    if (iequals(p.name, name)) return p.value;
  }
  return {};
}

std::string_view top_branch(const Message& m) {
  if (m.vias.empty()) return {};
  return param_value(m.vias.front().params, "branch");
}

std::string_view to_tag(const Message& m) { return param_value(m.to.params, "tag"); }
std::string_view from_tag(const Message& m) { return param_value(m.from.params, "tag"); }

bool is_rfc3261_branch(std::string_view branch) {
  return branch.size() > kMagicCookie.size() && branch.substr(0, kMagicCookie.size()) == kMagicCookie;
}

std::string generate_branch() {
  static std::atomic<std::uint64_t> counter{random_seed()};
  std::uint64_t v = mix(counter.fetch_add(1, std::memory_order_relaxed));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(kMagicCookie);
  out.resize(kMagicCookie.size() + 16);
  for (std::size_t i = 0; i < 16; ++i) {
    out[kMagicCookie.size() + i] = kHex[(v >> (60 - 4 * i)) & 0xF];
  }
  return out;
}

namespace {

// ACK for a non-2xx and CANCEL share the INVITE's transaction: its
// Request-URI, top Via (hence branch), From, Call-ID, CSeq number and Route
// set (RFC 3261 §17.1.1.3, §9.1); only the method and To differ.
Message request_in_same_transaction(const Message& request, Method method,
                                    std::string_view method_text, const NameAddr& to) {
  Message m;
  m.kind = Message::Kind::Request;
  m.method = method;
  m.method_text = std::string(method_text);
  m.request_uri = request.request_uri;
  if (!request.vias.empty()) m.vias.push_back(request.vias.front());
  m.from = request.from;
  m.to = to;
  m.call_id = request.call_id;
  m.cseq.number = request.cseq.number;
  m.cseq.method = method;
  m.cseq.method_text = m.method_text;
  m.max_forwards = 70;
  m.routes = request.routes;
  return m;
}

}  // namespace

Message build_ack_for_non2xx(const Message& invite, const Message& response) {
  return request_in_same_transaction(invite, Method::Ack, "ACK", response.to);
}

Message build_cancel(const Message& request) {
  return request_in_same_transaction(request, Method::Cancel, "CANCEL", request.to);
}

Message build_response(const Message& request, int status, std::string_view reason,
                       std::string_view tag) {
  Message r = make_response(request, status, reason);
  if (!tag.empty()) add_tag(r.to, tag);
  return r;
}

}  // namespace parley::sip
