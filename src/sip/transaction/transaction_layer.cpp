#include "sip/transaction/transaction_layer.hpp"

#include <utility>

#include "sip/transaction/transaction_key.hpp"
#include "sip/transaction/transaction_messages.hpp"

namespace parley::sip {
namespace {

template <typename... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <typename... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

bool is_timeout_timer(TimerName n) {
  return n == TimerName::B || n == TimerName::F || n == TimerName::H;
}

}  // namespace

std::string_view to_string(ActionKind k) {
  switch (k) {
    case ActionKind::Send: return "Send";
    case ActionKind::NewRequest: return "NewRequest";
    case ActionKind::Response: return "Response";
    case ActionKind::Ack: return "Ack";
    case ActionKind::StrayResponse: return "StrayResponse";
    case ActionKind::Timeout: return "Timeout";
    case ActionKind::TransportError: return "TransportError";
    case ActionKind::Terminated: return "Terminated";
    case ActionKind::Refused: return "Refused";
  }
  return "?";
}

std::string_view to_string(StartError e) {
  switch (e) {
    case StartError::NotARequest: return "not a request";
    case StartError::AckNotAllowed: return "ACK is not a transaction";
    case StartError::NoBranch: return "top Via has no RFC 3261 branch";
    case StartError::DuplicateBranch: return "duplicate branch";
  }
  return "?";
}

TransactionLayer::TransactionLayer(TransactionConfig config) : config_(std::move(config)) {
  table_.reserve(config_.reserve);
  client_index_.reserve(config_.reserve);
  server_index_.reserve(config_.reserve);
  scratch_.reserve(256);
}

void TransactionLayer::on_message(Message&& message, const Flow& from, TimePoint now,
                                  std::vector<Action>& out) {
  if (message.is_response()) {
    on_response(std::move(message), from, now, out);
  } else if (message.method == Method::Ack) {
    on_ack(std::move(message), from, now, out);
  } else {
    on_request(std::move(message), from, now, out);
  }
}

void TransactionLayer::on_response(Message&& response, const Flow& from, TimePoint now,
                                   std::vector<Action>& out) {
  // RFC 3261 §17.1.3: top Via branch + CSeq method.
  std::string_view branch = top_branch(response);
  TransactionId id;
  if (!branch.empty()) {
    make_client_key(branch, response.cseq, scratch_);
    if (auto it = client_index_.find(scratch_); it != client_index_.end()) id = it->second;
  }
  auto entry = table_.find(id);
  if (entry == table_.end()) {
    // §18.1.2: no match, the core decides (a proxy forwards it, §16.7).
    ++stats_.stray_responses;
    Action& a = out.emplace_back();
    a.kind = ActionKind::StrayResponse;
    a.message = std::move(response);
    a.flow = from;
    return;
  }
  Outbox ob = outbox(id, entry->second, now, out);
  std::visit(Overloaded{
                 [&](ClientInviteTransaction& t) { t.on_response(std::move(response), ob); },
                 [&](ClientNonInviteTransaction& t) { t.on_response(std::move(response), ob); },
                 [](auto&) {},
             },
             entry->second.machine);
  reap(id, out);
}

void TransactionLayer::on_ack(Message&& ack, const Flow& from, TimePoint now,
                              std::vector<Action>& out) {
  if (ack.vias.empty()) {
    refuse(std::move(ack), from, Refusal::Malformed, out);
    return;
  }
  // §17.2.3: an ACK matches the INVITE transaction (RFC 2543 rules: by the
  // To tag of the response that transaction sent).
  TransactionId id;
  if (make_server_key(ack, Method::Invite, "INVITE", to_tag(ack), scratch_)) {
    if (auto it = server_index_.find(scratch_); it != server_index_.end()) id = it->second;
  }
  auto entry = table_.find(id);
  ServerInviteTransaction* txn =
      entry == table_.end() ? nullptr : std::get_if<ServerInviteTransaction>(&entry->second.machine);
  if (txn == nullptr) {
    // The ACK for a 2xx is its own transaction and goes to the TU (§17.2.3, §13.3.1.4).
    ++stats_.stray_acks;
    Action& a = out.emplace_back();
    a.kind = ActionKind::Ack;
    a.message = std::move(ack);
    a.flow = from;
    return;
  }
  Outbox ob = outbox(id, entry->second, now, out);
  txn->on_request(std::move(ack), ob);
  reap(id, out);
}

void TransactionLayer::on_request(Message&& request, const Flow& from, TimePoint now,
                                  std::vector<Action>& out) {
  if (!make_server_key(request, request.method, request.method_text, to_tag(request), scratch_)) {
    refuse(std::move(request), from, Refusal::Malformed, out);
    return;
  }
  auto it = server_index_.find(scratch_);
  auto found = it == server_index_.end() ? table_.end() : table_.find(it->second);
  if (found == table_.end()) {
    create_server(std::move(request), from, now, out);
    return;
  }
  // A retransmission (§17.2.3 matched): the transaction answers, the TU never sees it.
  ++stats_.retransmissions_received;
  const TransactionId id = found->first;
  Entry& entry = found->second;
  Outbox ob = outbox(id, entry, now, out);
  std::visit(Overloaded{
                 [&](ServerInviteTransaction& t) { t.on_request(std::move(request), ob); },
                 [&](ServerNonInviteTransaction& t) { t.on_request(ob); },
                 [](auto&) {},
             },
             entry.machine);
  reap(id, out);
}

void TransactionLayer::create_server(Message&& request, const Flow& from, TimePoint now,
                                     std::vector<Action>& out) {
  if (table_.size() >= config_.max_transactions) {
    refuse(std::move(request), from, Refusal::Overload, out);
    return;
  }
  const TransactionId id{next_id_++};
  const bool invite = request.method == Method::Invite;
  Machine machine = invite ? Machine(std::in_place_type<ServerInviteTransaction>, request, from)
                           : Machine(std::in_place_type<ServerNonInviteTransaction>, from);
  auto [pos, inserted] = table_.try_emplace(id, Entry{std::move(machine), {}, scratch_, {}, 0, false});
  Entry& entry = pos->second;
  server_index_.emplace(entry.key, id);
  if (invite && entry.key.front() == 'O') {
    entry.rfc2543 = true;
    entry.tag_pos = static_cast<std::uint32_t>(entry.key.size() - to_tag(request).size());
  }
  ++stats_.server_created;

  Action& a = out.emplace_back();
  a.kind = ActionKind::NewRequest;
  a.txn = id;
  if (request.method == Method::Cancel) {
    if (auto inv = find_invite_for_cancel(request)) a.related = *inv;
  }
  a.message = std::move(request);
  a.flow = from;
  if (auto* t = std::get_if<ServerInviteTransaction>(&entry.machine)) {
    Outbox ob = outbox(id, entry, now, out);
    t->start(ob);
  }
}

void TransactionLayer::refuse(Message&& message, const Flow& from, Refusal why,
                              std::vector<Action>& out) {
  if (why == Refusal::Overload) {
    ++stats_.refused_overload;
  } else {
    ++stats_.refused_malformed;
  }
  Action& a = out.emplace_back();
  a.kind = ActionKind::Refused;
  a.refusal = why;
  a.message = std::move(message);
  a.flow = from;
}

Result<TransactionId, StartError> TransactionLayer::send_request(Message request, Flow to,
                                                                 TimePoint now,
                                                                 std::vector<Action>& out) {
  if (!request.is_request()) return fail(StartError::NotARequest);
  if (request.method == Method::Ack) return fail(StartError::AckNotAllowed);
  std::string_view branch = top_branch(request);
  if (!is_rfc3261_branch(branch)) return fail(StartError::NoBranch);
  make_client_key(branch, request.cseq, scratch_);
  if (client_index_.count(scratch_) != 0) return fail(StartError::DuplicateBranch);

  const TransactionId id{next_id_++};
  const bool invite = request.method == Method::Invite;
  // A non-INVITE request is handed to start(): it keeps only its wire form.
  Machine machine =
      invite ? Machine(std::in_place_type<ClientInviteTransaction>, std::move(request), std::move(to))
             : Machine(std::in_place_type<ClientNonInviteTransaction>, std::move(to));
  auto [pos, inserted] = table_.try_emplace(id, Entry{std::move(machine), {}, scratch_, {}, 0, false});
  Entry& entry = pos->second;
  client_index_.emplace(entry.key, id);
  ++stats_.client_created;
  Outbox ob = outbox(id, entry, now, out);
  std::visit(Overloaded{
                 [&](ClientInviteTransaction& t) { t.start(ob); },
                 [&](ClientNonInviteTransaction& t) { t.start(std::move(request), ob); },
                 [](auto&) {},
             },
             entry.machine);
  return id;
}

bool TransactionLayer::send_response(TransactionId server, Message&& response, TimePoint now,
                                     std::vector<Action>& out) {
  auto it = table_.find(server);
  if (it == table_.end() || !response.is_response()) return false;
  if (response.status_code < 100 || response.status_code > 699) return false;
  Entry& entry = it->second;
  Outbox ob = outbox(server, entry, now, out);
  bool taken = false;
  if (auto* t = std::get_if<ServerInviteTransaction>(&entry.machine)) {
    taken = t->on_tu_response(std::move(response), ob);
    if (taken && entry.rfc2543 && entry.ack_key.empty() && t->has_final()) {
      index_ack_key(server, entry);
    }
  } else if (auto* n = std::get_if<ServerNonInviteTransaction>(&entry.machine)) {
    taken = n->on_tu_response(std::move(response), ob);
  }
  reap(server, out);
  return taken;
}

void TransactionLayer::index_ack_key(TransactionId id, Entry& entry) {
  // §17.2.3 (RFC 2543): the ACK carries the To tag of the final response.
  const auto& t = std::get<ServerInviteTransaction>(entry.machine);
  std::string key = entry.key.substr(0, entry.tag_pos);
  key.append(t.final_to_tag());
  if (key == entry.key) return;
  // If another transaction already owns that key, it keeps it.
  if (server_index_.emplace(key, id).second) entry.ack_key = std::move(key);
}

bool TransactionLayer::send_trying(TransactionId server, TimePoint now, std::vector<Action>& out) {
  auto it = table_.find(server);
  if (it == table_.end()) return false;
  auto* t = std::get_if<ServerInviteTransaction>(&it->second.machine);
  if (t == nullptr) return false;
  Outbox ob = outbox(server, it->second, now, out);
  t->send_trying(ob);
  return true;
}

void TransactionLayer::on_transport_error(TransactionId txn, TimePoint now,
                                          std::vector<Action>& out) {
  auto it = table_.find(txn);
  if (it == table_.end()) return;  // late report for a dead transaction
  Outbox ob = outbox(txn, it->second, now, out);
  std::visit([&](auto& t) { t.on_transport_error(ob); }, it->second.machine);
  reap(txn, out);
}

void TransactionLayer::abandon(TransactionId txn, std::vector<Action>& out) {
  if (table_.count(txn) != 0) erase(txn, out);
}

void TransactionLayer::advance(TimePoint now, std::vector<Action>& out) {
  while (auto due = timers_.pop_due(now)) {
    auto it = table_.find(due->txn);
    if (it == table_.end()) continue;  // a timer that outlived its transaction
    Entry& entry = it->second;
    entry.timers[due->name].reset();
    if (is_timeout_timer(due->name)) ++stats_.timeouts;
    Outbox ob = outbox(due->txn, entry, now, out);
    std::visit([&](auto& t) { t.on_timer(due->name, ob); }, entry.machine);
    reap(due->txn, out);
  }
}

std::optional<TransactionId> TransactionLayer::find_invite_for_cancel(const Message& cancel) const {
  // §9.2: the CANCEL matches the INVITE by the §17.2.3 rules with the method set to INVITE.
  if (!make_server_key(cancel, Method::Invite, "INVITE", to_tag(cancel), scratch_)) {
    return std::nullopt;
  }
  auto it = server_index_.find(scratch_);
  if (it == server_index_.end()) return std::nullopt;
  auto entry = table_.find(it->second);
  if (entry == table_.end() || !std::holds_alternative<ServerInviteTransaction>(entry->second.machine)) {
    return std::nullopt;
  }
  return it->second;
}

const Message* TransactionLayer::client_request(TransactionId txn) const {
  auto it = table_.find(txn);
  if (it == table_.end()) return nullptr;
  if (auto* t = std::get_if<ClientInviteTransaction>(&it->second.machine)) return t->request();
  return nullptr;
}

void TransactionLayer::reap(TransactionId txn, std::vector<Action>& out) {
  auto it = table_.find(txn);
  if (it == table_.end()) return;
  const bool done = std::visit([](const auto& t) { return t.terminated(); }, it->second.machine);
  if (done) erase(txn, out);
}

void TransactionLayer::erase(TransactionId txn, std::vector<Action>& out) {
  auto it = table_.find(txn);
  Entry& entry = it->second;
  entry.timers.cancel_all(timers_);
  const bool client = std::holds_alternative<ClientInviteTransaction>(entry.machine) ||
                      std::holds_alternative<ClientNonInviteTransaction>(entry.machine);
  auto& index = client ? client_index_ : server_index_;
  index.erase(entry.key);
  if (!entry.ack_key.empty()) server_index_.erase(entry.ack_key);
  table_.erase(it);
  Action& a = out.emplace_back();
  a.kind = ActionKind::Terminated;
  a.txn = txn;
}

}  // namespace parley::sip
