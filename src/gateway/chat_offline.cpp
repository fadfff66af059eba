// The offline queue, delivered (issue 4 "Offline delivery"): what an
// identity missed goes out when it comes back, oldest first, one at a time
// (so in order), each removed from the queue only once the device or the
// browser acknowledged it (so once, and nothing lost on a failure: the rest
// waits for the next REGISTER or connect). Devices see the original time in
// the text (or the CPIM DateTime); browsers get it as time_ms.
#include "gateway/chat_service_impl.hpp"
#include "gateway/endpoint_locator.hpp"
#include "web/api_codec.hpp"

namespace parley::gateway {

namespace {

constexpr std::size_t kQueueBatch = 50;
constexpr std::size_t kWebQueueBatch = 200;

}  // namespace

void ChatService::Impl::note_queued(const std::vector<std::string>& identities) {
  stats.queued += identities.size();
  queued.insert(identities.begin(), identities.end());
}

void ChatService::on_bindings(const std::vector<sip::registrar::BindingChange>& changes) {
  Impl& s = *impl_;
  for (const auto& c : changes) {
    if (c.kind != sip::registrar::BindingChange::Kind::Added) continue;
    const AccountEntry* a = s.sip.directory().account(c.binding.aor);
    if (!a) continue;
    std::string key = "acct:" + std::to_string(a->id.value());
    if (!s.queued.count(key) || s.delivering.count(key)) continue;
    s.deliver_queued_to_account(*a);
  }
}

void ChatService::Impl::deliver_queued_to_account(const AccountEntry& account) {
  std::string key = "acct:" + std::to_string(account.id.value());
  delivering.insert(key);
  std::string username = account.username;
  on_store([key](store::Store& s) { return s.messages().pending(key, kQueueBatch); },
           [this, key, username](store::StoreResult<std::vector<store::StoredMessage>> r) {
             if (!r || r->empty()) {
               delivering.erase(key);
               if (r) queued.erase(key);
               return;
             }
             auto endpoints = sip.account_endpoints(username);
             if (endpoints.empty()) {
               delivering.erase(key);
               return;
             }
             auto batch = std::make_shared<std::vector<store::StoredMessage>>(std::move(*r));
             auto send = std::make_shared<std::function<void(std::size_t)>>();
             // One after the other: the next goes when the previous was answered 2xx.
             *send = [this, key, username, batch, send, to = endpoints.front()](std::size_t i) {
               if (i == batch->size()) {
                 delivering.erase(key);
                 if (batch->size() == kQueueBatch) {
                   if (const AccountEntry* a = sip.directory().account(username)) deliver_queued_to_account(*a);
                 } else {
                   queued.erase(key);
                 }
                 *send = nullptr;  // breaks the cycle
                 return;
               }
               const auto& m = (*batch)[i];
               auto acc = accepts.find(username);
               chat::Endpoint probe{chat::EndpointKind::Sip, "",
                                    acc == accepts.end() ? std::vector<std::string>{} : acc->second};
               auto form = chat::representation_for(probe, m.room.valid());
               send_to_device(m, to, form, key, true, [this, key, id = m.id, i, send](bool ok) {
                 if (!ok) {
                   log->info("event=late-delivery-stopped identity={}", key);
                   delivering.erase(key);
                   *send = nullptr;
                   return;
                 }
                 ++stats.late_deliveries;
                 store.post([key, id](store::Store& s) { (void)s.messages().mark_delivered(key, {id}); });
                 if (*send) (*send)(i + 1);
               });
             };
             log->info("event=late-delivery identity={} count={}", key, batch->size());
             (*send)(0);
           });
}

void ChatService::on_session_online(web::WebSessionId session, std::string_view user) {
  Impl& s = *impl_;
  const UserEntry* u = s.sip.directory().user(user);
  if (u) s.deliver_queued_to_session(session, *u);
}

void ChatService::Impl::deliver_queued_to_session(web::WebSessionId session, const UserEntry& user) {
  std::string key = "web:" + std::to_string(user.id.value());
  if (!queued.count(key) || delivering.count(key)) return;
  delivering.insert(key);
  std::string name = user.name;
  on_store([key](store::Store& s) { return s.messages().pending(key, kWebQueueBatch); },
           [this, key, session, name](store::StoreResult<std::vector<store::StoredMessage>> r) {
             delivering.erase(key);
             if (!r) return;
             if (r->empty()) {
               queued.erase(key);
               return;
             }
             for (const auto& m : *r) {
               web::codec::MessageEvent e;
               e.id = "q" + message_id_text(m.id);
               e.from = m.sender_uri;
               if (const UserEntry* s = m.sender.valid() ? user_by_id(m.sender) : nullptr) {
                 e.from_user = s->name;
               }
               e.to = user_uri(name);
               e.to_user = name;
               e.text = m.body;
               e.time_ms = m.created_at;
               if (!web || !web->push_to_session(session, web::codec::encode_message(e))) return;
               web_pending[e.id] = WebPending{session, key, m.id};
               ++stats.late_deliveries;
             }
             log->info("event=late-delivery identity={} count={}", key, r->size());
           });
}

bool ChatService::on_ack(web::WebSessionId session, std::string_view id) {
  Impl& s = *impl_;
  if (id.empty() || id.front() != 'q') return false;
  auto it = s.web_pending.find(std::string(id));
  if (it == s.web_pending.end()) return true;  // already acknowledged (another tab)
  if (it->second.session != session) return true;
  std::string key = it->second.identity;
  store::MessageId message = it->second.message;
  s.web_pending.erase(it);
  s.store.post([key, message](store::Store& st) { (void)st.messages().mark_delivered(key, {message}); });
  return true;
}

}  // namespace parley::gateway
