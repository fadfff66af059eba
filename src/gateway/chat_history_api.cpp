// web::ChatDelegate: history, read markers, search, buddies, the status picker.
#include <algorithm>

#include "gateway/chat_service_impl.hpp"

namespace parley::gateway {

using web::ApiError;

namespace {

std::size_t page_limit(std::size_t asked) {
  return std::clamp<std::size_t>(asked, 1, store::MessageRepository::kMaxPage);
}

// The caller and another user, by id (404 when either is unknown).
web::ApiResult<std::pair<UserId, UserId>> user_pair(const ChatService::Impl& s, const web::UserInfo& info,
                                                    std::string_view other) {
  const UserEntry* me = s.sip.directory().user(info.name);
  if (!me) return fail(no_such_user(info.name));
  const UserEntry* them = s.sip.directory().user(other);
  if (!them) return fail(no_such_user(other));
  return std::make_pair(me->id, them->id);
}

// The store's page, as the browser sees it.
auto answer_page(ChatService::Impl& s, web::Done<web::HistoryPageView> done) {
  return [&s, done = std::move(done)](store::StoreResult<store::HistoryPage> p) {
    if (!p) return done(fail(api_error(p.error())));
    web::HistoryPageView v;
    v.more = p->more;
    for (const auto& m : p->messages) v.messages.push_back(s.view_of(m));
    done(std::move(v));
  };
}

}  // namespace

void ChatService::room_history(const web::UserInfo& info, std::string room, web::HistoryRequest page,
                               web::Done<web::HistoryPageView> done) {
  Impl& s = *impl_;
  auto c = s.room_context(info, room, chat::RoomAction::ReadHistory);
  if (!c) return done(fail(c.error()));
  const CachedRoom* r = c->room;
  store::RoomId id = r->room.id;
  store::MessageId before = parse_message_id(page.before);
  std::size_t limit = page_limit(page.limit);
  s.on_store([id, before, limit](store::Store& st) { return st.messages().room_history(id, before, limit); },
             answer_page(s, std::move(done)));
}

void ChatService::private_history(const web::UserInfo& info, std::string other, web::HistoryRequest page,
                                  web::Done<web::HistoryPageView> done) {
  Impl& s = *impl_;
  auto pair = user_pair(s, info, other);
  if (!pair) return done(fail(pair.error()));
  auto [a, b] = *pair;
  store::MessageId before = parse_message_id(page.before);
  std::size_t limit = page_limit(page.limit);
  s.on_store([a, b, before, limit](store::Store& st) { return st.messages().private_history(a, b, before, limit); },
             answer_page(s, std::move(done)));
}

void ChatService::mark_read(const web::UserInfo& info, std::string room, std::string last_id,
                            web::Done<web::NoContent> done) {
  Impl& s = *impl_;
  auto c = s.room_context(info, room);
  if (!c) return done(fail(c.error()));
  const UserEntry* me = c->me;
  const CachedRoom* r = c->room;
  store::MessageId id = parse_message_id(last_id);
  if (!id.valid()) return done(fail(ApiError{400, "bad_request", "last_id is not a message id", 0}));
  UserId uid = me->id;
  store::RoomId rid = r->room.id;
  s.on_store([uid, rid, id](store::Store& st) { return st.messages().mark_read(uid, rid, id); },
             [done](store::StoreStatus st) {
               if (!st) return done(fail(api_error(st.error())));
               done(web::NoContent{});
             });
}

void ChatService::search(const web::UserInfo& info, std::string text, std::size_t limit,
                         web::Done<std::vector<web::StoredMessageView>> done) {
  Impl& s = *impl_;
  const UserEntry* me = s.sip.directory().user(info.name);
  if (!me) return done(fail(no_such_user(info.name)));
  UserId uid = me->id;
  limit = page_limit(limit);
  s.on_store([uid, text = std::move(text), limit](store::Store& st) {
               return st.messages().search(uid, text, store::RoomId{}, limit);
             },
             [&s, done](store::StoreResult<std::vector<store::StoredMessage>> r) {
               if (!r) return done(fail(api_error(r.error())));
               std::vector<web::StoredMessageView> out;
               for (const auto& m : *r) out.push_back(s.view_of(m));
               done(std::move(out));
             });
}

void ChatService::buddies(const web::UserInfo& info, web::Done<std::vector<web::MemberView>> done) {
  Impl& s = *impl_;
  const UserEntry* me = s.sip.directory().user(info.name);
  if (!me) return done(fail(no_such_user(info.name)));
  std::vector<web::MemberView> out;
  for (UserId id : s.rooms.buddies_of(me->id)) {
    if (const UserEntry* u = s.user_by_id(id)) out.push_back(s.member_view(*u, std::nullopt));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  done(std::move(out));
}

void ChatService::add_buddy(const web::UserInfo& info, std::string buddy, web::Done<web::NoContent> done) {
  Impl& s = *impl_;
  auto pair = user_pair(s, info, buddy);
  if (!pair) return done(fail(pair.error()));
  auto [a, b] = *pair;
  s.on_store([a, b](store::Store& st) { return st.buddies().add(a, b, chat_wall_ms()); },
             [&s, a, b, done](store::StoreStatus st) {
               if (!st) return done(fail(api_error(st.error())));
               s.rooms.add_buddy(a, b);
               done(web::NoContent{});
             });
}

void ChatService::remove_buddy(const web::UserInfo& info, std::string buddy, web::Done<web::NoContent> done) {
  Impl& s = *impl_;
  auto pair = user_pair(s, info, buddy);
  if (!pair) return done(fail(pair.error()));
  auto [a, b] = *pair;
  s.on_store([a, b](store::Store& st) { return st.buddies().remove(a, b); },
             [&s, a, b, me = info.name, buddy, done](store::StoreStatus st) {
               if (!st) return done(fail(api_error(st.error())));
               s.rooms.remove_buddy(a, b);
               s.presence.recheck(me);
               s.presence.recheck(buddy);
               done(web::NoContent{});
             });
}

void ChatService::set_presence(web::WebSessionId, const web::UserInfo& info, std::string status,
                               std::string note) {
  impl_->presence.set_manual(info.name, status, note);
}

}  // namespace parley::gateway
