#include "gateway/chat_service.hpp"

#include <charconv>

#include "base/strings.hpp"
#include "chat/message_text.hpp"
#include "chat/room_address.hpp"
#include "chat/room_command.hpp"
#include "chat/room_inbound.hpp"
#include "gateway/chat_service_impl.hpp"
#include "gateway/web_endpoints.hpp"
#include "sip/message/parser.hpp"
#include "sip/transaction/transaction_messages.hpp"
#include "web/api_codec.hpp"

namespace parley::gateway {

namespace {

// Typing notices (RFC 3994) and delivery notifications (RFC 5438, which
// linphone sends back for every message it gets, asked or not) carry no
// text: a room takes and drops them; between people they are forked as is.
bool is_notice(std::string_view content_type) {
  return istarts_with(content_type, "application/im-iscomposing+xml") ||
         istarts_with(content_type, "message/imdn+xml");
}

std::string token() { return sip::generate_branch().substr(sip::kMagicCookie.size()); }

}  // namespace

std::int64_t chat_wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string message_id_text(store::MessageId id) { return std::to_string(id.value()); }

store::MessageId parse_message_id(std::string_view text) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v == 0) return store::MessageId{};
  return store::MessageId{v};
}

ChatService::ChatService(boost::asio::io_context& core, SipService& sip, StoreWorker& store,
                         RoomCache& rooms, PresenceService& presence, chat::ChatLimits limits)
    : impl_(std::make_unique<Impl>(core, sip, store, rooms, presence, limits)) {}

ChatService::~ChatService() = default;

void ChatService::attach_web(WebPort* web) { impl_->web = web; }

void ChatService::set_queued_identities(std::vector<std::string> identities) {
  impl_->queued.insert(identities.begin(), identities.end());
}

void ChatService::follow_outside_changes() {
  // Rooms and members changed by the command line while serving: the cache
  // is read again (in store order, so no change of ours is lost).
  Impl& s = *impl_;
  s.store.on_outside_change([&s](store::Store& st) {
    auto snapshot = load_chat_snapshot(st);
    if (!snapshot) {
      s.log->error("event=chat-reload-failed error=\"{}\"", snapshot.error().message);
      return;
    }
    boost::asio::post(s.io, [&s, snap = std::move(*snapshot)] {
      s.rooms.load(snap);
      s.queued.insert(snap.queued_identities.begin(), snap.queued_identities.end());
      s.log->info("event=rooms-reloaded rooms={}", s.rooms.room_count());
    });
  });
}

void ChatService::stop() {
  impl_->flush_appends();
  // What the batches left is indexed before the store closes, so the next
  // start's first search has nothing to catch up.
  impl_->store.post([](store::Store& s) {
    for (;;) {
      auto n = s.messages().index_pending(store::MessageRepository::kIndexBatch);
      if (!n || *n < store::MessageRepository::kIndexBatch) break;
    }
  });
}

const ChatStats& ChatService::stats() const { return impl_->stats; }

std::unordered_set<std::string> ChatService::presence_watched_by(std::string_view user) const {
  // may_watch is symmetric (shared room, a buddy either way): the audience
  // of `user` is also whom it may watch.
  auto names = presence_audience(user);
  return {names.begin(), names.end()};
}

std::vector<std::string> ChatService::presence_audience(std::string_view user) const {
  std::vector<std::string> out{std::string(user)};
  const UserEntry* u = impl_->sip.directory().user(user);
  if (!u) return out;
  for (UserId id : impl_->rooms.watchers_of(u->id)) {
    if (const UserEntry* w = impl_->user_by_id(id)) out.push_back(w->name);
  }
  return out;
}

// ---- group commit ----

void ChatService::Impl::append(store::PendingAppend message, Appended done) {
  appends.push_back(std::move(message));
  appended.push_back(std::move(done));
  if (!append_in_flight) flush_appends();
}

void ChatService::Impl::flush_appends() {
  if (appends.empty()) return;
  append_in_flight = true;
  ++stats.store_batches;
  auto callbacks = std::make_shared<std::vector<Appended>>(std::move(appended));
  appended.clear();
  on_store([messages = std::move(appends)](store::Store& s) { return s.messages().append_many(messages); },
           [this, callbacks](store::StoreResult<std::vector<store::StoreResult<store::StoredMessage>>> r) {
             append_in_flight = false;
             // Each stored message is forwarded now: one sendmmsg for the batch.
             sip.batch_sends([&] {
               for (std::size_t i = 0; i < callbacks->size(); ++i) {
                 if (!r) {
                   (*callbacks)[i](fail(r.error()));
                 } else {
                   (*callbacks)[i](std::move((*r)[i]));
                 }
               }
             });
             if (!r) log->error("event=message-store-failed error=\"{}\"", r.error().message);
             unindexed += callbacks->size();
             if (unindexed >= kIndexEvery) index_for_search();
             flush_appends();
           });
  appends.clear();
}

void ChatService::Impl::index_for_search() {
  unindexed = 0;
  on_store([](store::Store& s) { return s.messages().index_pending(store::MessageRepository::kIndexBatch); },
           [this](store::StoreResult<std::size_t> r) {
             if (!r) {
               log->error("event=search-index-failed error=\"{}\"", r.error().message);
             } else if (*r == store::MessageRepository::kIndexBatch) {
               index_for_search();  // more were waiting than one batch takes
             }
           });
}

// ---- people ----

const UserEntry* ChatService::Impl::user_named(std::string_view name) const {
  const auto& d = sip.directory();
  if (const UserEntry* u = d.user(name)) return u;
  if (const AccountEntry* a = d.account(name)) return d.user(a->user);
  return nullptr;
}

std::string ChatService::Impl::user_uri(std::string_view name) const {
  return "sip:" + std::string(name) + "@" + sip.domain();
}

std::string ChatService::Impl::room_uri(std::string_view room) const {
  return chat::room_uri(room, sip.domain());
}

// ---- SIP ----

bool ChatService::take(sip::TransactionId txn, const sip::Message& req, const sip::Flow& from) {
  Impl& s = *impl_;
  if (req.method != sip::Method::Message || !req.to.tag().empty()) return false;
  auto room = chat::room_name_from_uri(req.request_uri, s.sip.domain());
  if (is_notice(req.content_type)) {
    if (!room) return false;
    s.sip.answer(txn, req, 200);
    return true;
  }
  if (iequals(req.from.uri.host, s.sip.domain()) && from.transport != kWebTransport) {
    auto accept = req.header_list("Accept");
    if (!accept.empty()) s.accepts[req.from.uri.user_unescaped()] = std::move(accept);
  }
  if (room) return s.take_room_message(txn, req, from, *room);
  return s.take_private_message(txn, req, from);
}

bool ChatService::Impl::take_room_message(sip::TransactionId txn, const sip::Message& req,
                                          const sip::Flow& from, const std::string& name) {
  const CachedRoom* room = rooms.find(name);
  if (!room) {
    sip.answer(txn, req, 404, "No such room");
    return true;
  }
  const UserEntry* sender =
      iequals(req.from.uri.host, sip.domain()) ? user_named(req.from.uri.user_unescaped()) : nullptr;
  UserId sender_id = sender ? sender->id : UserId{};
  chat::RoomFacts facts{room->room.name, room_uri(room->room.name),
                        chat::RoomAccess{to_chat_visibility(room->room.visibility),
                                         to_chat_role(rooms.role(room->room.id, sender_id)), false}};
  auto d = chat::decide_room_message(facts, sender_id, req.content_type, req.body, limits, rate,
                                     SteadyClock::now());
  if (d.action != chat::InboundAction::Refuse && !sender) {
    d.action = chat::InboundAction::Refuse;
    d.refusal = chat::Refusal{chat::RefusalCode::NotMember, "Only members may write to the room", {}};
  }
  switch (d.action) {
    case chat::InboundAction::Post:
      post_to_room(*room, *sender, std::move(d.text), req, from, txn);
      return true;
    case chat::InboundAction::Join:
      sip.answer(txn, req, 200);
      command_join(*sender, d.room, req, from, name);
      return true;
    case chat::InboundAction::Leave:
      sip.answer(txn, req, 200);
      command_leave(*sender, d.room.empty() ? name : d.room, req, from, name);
      return true;
    case chat::InboundAction::Who:
      sip.answer(txn, req, 200);
      reply_from_room(name, req, from, chat::who_text(name, member_names(*room)));
      return true;
    case chat::InboundAction::Reply:
      sip.answer(txn, req, 200);
      reply_from_room(name, req, from, d.text);
      return true;
    case chat::InboundAction::Refuse:
      break;
  }
  std::vector<sip::Header> extra;
  if (d.refusal.code == chat::RefusalCode::RateLimited) {
    auto secs = (d.refusal.retry_after.count() + 999) / 1000;
    extra.push_back(sip::Header{"Retry-After", std::to_string(std::max<long long>(1, secs))});
  }
  if (d.refusal.code == chat::RefusalCode::UnsupportedContent) {
    extra.push_back(sip::Header{"Accept", std::string(chat::kAcceptedContent)});
  }
  log->info("event=room-message-refused room={} from={} code={}", name, req.from.uri.user,
            chat::code_name(d.refusal.code));
  sip.answer(txn, req, chat::sip_status(d.refusal.code), d.refusal.message, std::move(extra));
  return true;
}

std::vector<std::string> ChatService::Impl::member_names(const CachedRoom& room) const {
  std::vector<std::string> names;
  for (const auto& [uid, role] : room.members) {
    if (const UserEntry* u = user_by_id(uid)) names.push_back(u->name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void ChatService::Impl::post_to_room(const CachedRoom& room, const UserEntry& sender,
                                     std::string text, const sip::Message& req,
                                     const sip::Flow& from, sip::TransactionId txn) {
  store::NewMessage nm;
  nm.room = room.room.id;
  nm.sender = sender.id;
  nm.sender_uri = user_uri(sender.name);
  nm.body = std::move(text);
  nm.created_at = chat_wall_ms();
  // The SIP half of the fan-out is planned now (who is registered at the
  // time of the post); browsers get the stored message by user.
  std::vector<chat::MemberIdentities> members;
  std::vector<sip::Endpoint> targets;
  chat::Origin origin;
  const auto& d = sip.directory();
  // The sending account never gets its own post queued, registered or not.
  const AccountEntry* sending = from.transport == kWebTransport ? nullptr : d.account(req.from.uri.user_unescaped());
  if (sending) origin.identity = "acct:" + std::to_string(sending->id.value());
  for (const auto& [uid, role] : room.members) {
    const UserEntry* u = user_by_id(uid);
    if (!u) continue;
    chat::MemberIdentities mi{uid, {}};
    for (const auto& name : u->accounts) {
      const AccountEntry* a = d.account(name);
      if (!a) continue;
      chat::Identity id{"acct:" + std::to_string(a->id.value()), {}};
      for (auto& e : sip.account_endpoints(name)) {
        std::string address = std::to_string(targets.size());
        if (sending == a && e.next_hop.host == from.host && e.next_hop.port == from.port) {
          origin.address = address;
        }
        auto acc = accepts.find(name);
        id.endpoints.push_back(chat::Endpoint{chat::EndpointKind::Sip, std::move(address),
                                              acc == accepts.end() ? std::vector<std::string>{}
                                                                   : acc->second});
        targets.push_back(std::move(e));
      }
      mi.identities.push_back(std::move(id));
    }
    members.push_back(std::move(mi));
  }
  auto plan = chat::plan_room_fanout(members, origin);
  std::vector<std::string> queue = plan.queue;
  ++stats.room_posts;
  append(store::PendingAppend{std::move(nm), std::move(queue)},
         [this, req, txn, plan = std::move(plan), targets = std::move(targets)](
             store::StoreResult<store::StoredMessage> r) {
           if (!r) {
             sip.answer(txn, req, 500, "The message could not be stored");
             return;
           }
           sip.answer(txn, req, 200);
           rooms.set_newest(r->room, r->id);
           note_queued(plan.queue);
           fan_out_room(*r, plan, targets);
         });
}

void ChatService::Impl::fan_out_room(const store::StoredMessage& m, const chat::FanoutPlan& plan,
                                     const std::vector<sip::Endpoint>& targets) {
  const CachedRoom* room = rooms.find(m.room);
  if (!room) return;
  if (web) {
    std::string json = web::codec::encode_room_message(view_of(m));
    for (const auto& [uid, role] : room->members) {
      const UserEntry* u = user_by_id(uid);
      if (!u || !web->has_live_session(u->name)) continue;
      web->push_to_user(u->name, json);
      ++stats.web_deliveries;
    }
  }
  for (const auto& d : plan.deliveries) {
    if (d.kind != chat::EndpointKind::Sip) continue;
    std::size_t index = std::stoul(d.address);
    if (index >= targets.size()) continue;
    send_to_device(m, targets[index], d.representation, d.identity, false,
                   [this, id = m.id, identity = d.identity](bool delivered) {
                     if (delivered) return;
                     // Not reached now: it waits for the device's next REGISTER.
                     on_store([id, identity](store::Store& s) { return s.messages().enqueue(id, {identity}); },
                              [this, identity](store::StoreStatus st) {
                                if (st) note_queued({identity});
                              });
                   });
  }
}

sip::Message ChatService::Impl::device_message(const store::StoredMessage& m, const sip::Endpoint& to,
                                               chat::Representation form, bool late) const {
  const CachedRoom* room = m.room.valid() ? rooms.find(m.room) : nullptr;
  std::string room_name = room ? room->room.name : std::string();
  sip::Message out;
  out.kind = sip::Message::Kind::Request;
  out.method = sip::Method::Message;
  out.method_text = "MESSAGE";
  out.request_uri = to.uri;
  auto from = sip::parse_uri(room ? room_uri(room_name) : m.sender_uri);
  if (from) out.from.uri = std::move(*from);
  if (room) out.from.display_name = room->room.display_name.empty() ? room_name : room->room.display_name;
  out.from.params.set("tag", token());
  if (auto t = sip::parse_uri(user_uri(to.identity))) out.to.uri = std::move(*t);
  out.call_id = token() + "@" + sip.domain();
  out.cseq = sip::CSeq{1, sip::Method::Message, "MESSAGE"};
  for (auto p = to.path.rbegin(); p != to.path.rend(); ++p) {
    if (auto route = sip::parse_name_addr(*p)) out.routes.insert(out.routes.begin(), std::move(*route));
  }
  const UserEntry* sender = m.sender.valid() ? user_by_id(m.sender) : nullptr;
  std::string sender_name = sender ? sender->name : m.sender_uri;
  switch (form) {
    case chat::Representation::Cpim: {
      chat::RoomMessageView v{sender_name, sender ? sender->display_name : std::string(),
                              m.sender_uri, room ? room_uri(room_name) : user_uri(to.identity),
                              m.body, m.created_at};
      out.content_type = "message/cpim";
      out.body = chat::room_cpim_body(v);
      break;
    }
    case chat::Representation::PlainNamed:
      out.content_type = std::string(chat::kPlainContentType);
      out.body = late ? chat::late_plain_text(sender_name, m.body, m.created_at)
                      : chat::plain_named_text(sender_name, m.body);
      break;
    default:
      out.content_type = std::string(chat::kPlainContentType);
      out.body = late ? chat::late_plain_text("", m.body, m.created_at) : m.body;
      break;
  }
  return out;
}

void ChatService::Impl::send_to_device(const store::StoredMessage& m, const sip::Endpoint& to,
                                       chat::Representation form, std::string identity, bool late,
                                       std::function<void(bool)> done) {
  (void)identity;
  ++stats.sip_deliveries;
  bool started = sip.originate(device_message(m, to, form, late), to.next_hop,
                               [done](int status, const sip::Message*) {
                                 if (done) done(status >= 200 && status < 300);
                               });
  if (!started && done) done(false);
}

void ChatService::Impl::reply_from_room(const std::string& room, const sip::Message& req,
                                        const sip::Flow& from, const std::string& text) {
  if (from.transport == kWebTransport) {
    // A browser's command: the answer is a notice in that room for that session.
    web::StoredMessageView v;
    v.id = "notice-" + std::to_string(next_notice++);
    v.room = room;
    v.from = room_uri(room);
    v.text = text;
    v.time_ms = chat_wall_ms();
    if (web) web->push_to_session(web::WebSessionId{from.id}, web::codec::encode_room_message(v));
    return;
  }
  store::StoredMessage m;
  m.sender_uri = room_uri(room);
  m.body = text;
  sip::Endpoint to;
  to.uri = req.contacts.empty() ? req.from.uri : req.contacts.front().uri;
  to.identity = req.from.uri.user_unescaped();
  to.next_hop = sip::NextHop{from.transport, from.host, from.port, from.id};
  send_to_device(m, to, chat::Representation::Plain, "", false, nullptr);
}

bool ChatService::Impl::take_private_message(sip::TransactionId txn, const sip::Message& req,
                                             const sip::Flow& from) {
  if (req.request_uri.scheme == "tel") return false;
  const UserEntry* to = user_named(req.request_uri.user_unescaped());
  if (!to) return false;
  auto text = chat::message_text(req.content_type, req.body, limits);
  if (!text && text.error().code == chat::RefusalCode::UnsupportedContent) return false;  // relayed as is
  const UserEntry* sender =
      iequals(req.from.uri.host, sip.domain()) ? user_named(req.from.uri.user_unescaped()) : nullptr;
  bool self = sender && sender->id == to->id;
  auto refusal = text ? chat::check_private_message(to->name, presence.is_dnd(to->name) && !self)
                      : chat::ChatStatus(fail(text.error()));
  if (refusal && sender) {
    auto ok = rate.try_post(sender->id, SteadyClock::now());
    if (!ok) refusal = ok;
  }
  if (!refusal) {
    const auto& r = refusal.error();
    std::vector<sip::Header> extra;
    if (r.code == chat::RefusalCode::RateLimited) {
      extra.push_back(sip::Header{"Retry-After", std::to_string(std::max<long long>(1, (r.retry_after.count() + 999) / 1000))});
    }
    log->info("event=private-message-refused to={} code={}", to->name, chat::code_name(r.code));
    sip.answer(txn, req, chat::sip_status(r.code), r.message, std::move(extra));
    return true;
  }
  store::NewMessage nm;
  nm.recipient = to->id;
  nm.sender = sender ? sender->id : UserId{};
  nm.sender_uri = req.from.uri.to_string();
  nm.body = std::move(*text);
  nm.created_at = chat_wall_ms();
  sip::Location where = sip.locate(req.request_uri);
  std::vector<std::string> queue;
  for (const auto& name : to->accounts) {
    const AccountEntry* a = sip.directory().account(name);
    if (a && sip.account_endpoints(name).empty()) queue.push_back("acct:" + std::to_string(a->id.value()));
  }
  // Only a user who can log in to the web ever connects a browser to collect it.
  if (to->web_login && (!web || !web->has_live_session(to->name))) {
    queue.push_back("web:" + std::to_string(to->id.value()));
  }
  ++stats.private_messages;
  append(store::PendingAppend{std::move(nm), queue},
         [this, req, from, txn, queue, endpoints = std::move(where.endpoints)](
             store::StoreResult<store::StoredMessage> r) mutable {
           if (!r) {
             sip.answer(txn, req, 500, "The message could not be stored");
             return;
           }
           note_queued(queue);
           if (endpoints.empty()) {
             sip.answer(txn, req, 202, "Accepted, stored for delivery");
             return;
           }
           sip.forward(txn, std::move(req), from, std::move(endpoints));
         });
  return true;
}

}  // namespace parley::gateway
