// web::Api, rooms half: the signed REST routes of api.md "Rooms, history,
// search and buddies". Paths, queries and bodies are checked here; the
// ChatDelegate answers later through `done`, which sends the HTTP response.
#include <boost/json.hpp>

#include <array>

#include "web/api.hpp"
#include "web/api_codec.hpp"
#include "web/api_impl.hpp"
#include "web/chat_delegate.hpp"

namespace parley::web {

namespace json = boost::json;

namespace {

using Respond = std::function<void(HttpResponse)>;
using Checked = Result<Ok, std::string>;  // error: the 400 message, naming the field

// api.md limits.
constexpr std::size_t kMaxSegmentBytes = 192;  // 64 name characters, each %XX at most
constexpr std::size_t kMaxTitleBytes = 100;
constexpr std::size_t kMaxTopicBytes = 500;
constexpr std::size_t kMaxIdBytes = 128;
constexpr std::size_t kMaxSearchBytes = 256;
constexpr std::uint64_t kMaxHistoryLimit = 200;
constexpr std::uint64_t kMaxSearchLimit = 100;
constexpr std::size_t kDefaultLimit = 50;

enum class Route {
  kRooms, kRoom, kJoin, kLeave, kInvite, kMembers, kRoomHistory, kRead,
  kConversation, kSearch, kBuddies, kBuddy
};

struct Match {
  Route route;
  std::string_view name;  // raw NAME or USER segment; empty when the path has none
  std::array<std::string_view, 2> methods;
};

std::optional<Match> match_route(std::string_view path) {
  constexpr std::string_view kPrefix = "/api/v1/";
  if (!path.starts_with(kPrefix)) return std::nullopt;
  std::array<std::string_view, 3> seg;
  std::size_t n = 0;
  std::string_view rest = path.substr(kPrefix.size());
  for (;;) {
    if (n == seg.size()) return std::nullopt;  // deeper than any route
    const auto slash = rest.find('/');
    seg[n++] = rest.substr(0, slash);
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  if (seg[0] == "rooms") {
    if (n == 1) return Match{Route::kRooms, {}, {"GET", "POST"}};
    if (n == 2) return Match{Route::kRoom, seg[1], {"PATCH", "DELETE"}};
    const std::string_view op = seg[2];
    if (op == "join") return Match{Route::kJoin, seg[1], {"POST"}};
    if (op == "leave") return Match{Route::kLeave, seg[1], {"POST"}};
    if (op == "invite") return Match{Route::kInvite, seg[1], {"POST"}};
    if (op == "read") return Match{Route::kRead, seg[1], {"POST"}};
    if (op == "members") return Match{Route::kMembers, seg[1], {"GET"}};
    if (op == "messages") return Match{Route::kRoomHistory, seg[1], {"GET"}};
    return std::nullopt;
  }
  if (seg[0] == "conversations" && n == 3 && seg[2] == "messages") {
    return Match{Route::kConversation, seg[1], {"GET"}};
  }
  if (seg[0] == "search" && n == 1) return Match{Route::kSearch, {}, {"GET"}};
  if (seg[0] == "buddies") {
    if (n == 1) return Match{Route::kBuddies, {}, {"GET", "POST"}};
    if (n == 2) return Match{Route::kBuddy, seg[1], {"DELETE"}};
  }
  return std::nullopt;
}

bool has_name(Route r) { return r != Route::kRooms && r != Route::kSearch && r != Route::kBuddies; }
const char* name_field(Route r) {
  return r == Route::kConversation || r == Route::kBuddy ? "user" : "room";
}

Result<std::string, std::string> path_name(std::string_view raw, const char* field) {
  if (raw.size() > kMaxSegmentBytes) return fail(std::string(field) + ": too long");
  auto name = codec::canonical_name(percent_decode(raw));
  if (!name) return fail(std::string(field) + ": not a valid name");
  return std::move(*name);
}

// ---- query ----

struct Query {
  std::optional<std::string> before, limit, q;
};

Result<Query, std::string> parse_query(std::string_view target) {
  Query out;
  const auto qpos = target.find('?');
  std::string_view rest = qpos == std::string_view::npos ? "" : target.substr(qpos + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    std::optional<std::string>* slot = name == "before" ? &out.before
                                       : name == "limit" ? &out.limit
                                       : name == "q"     ? &out.q
                                                         : nullptr;
    if (slot == nullptr) continue;
    if (slot->has_value()) return fail(std::string(name) + ": repeated");
    *slot = eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true);
  }
  return out;
}

Result<std::size_t, std::string> parse_limit(const std::optional<std::string>& text,
                                             std::uint64_t max) {
  if (!text) return kDefaultLimit;
  const auto v = parse_decimal(*text, max);
  if (!v || *v == 0) return fail("limit: not a number from 1 to " + std::to_string(max));
  return static_cast<std::size_t>(*v);
}

Result<HistoryRequest, std::string> history_request(std::string_view target) {
  auto q = parse_query(target);
  if (!q) return fail(q.error());
  HistoryRequest h;
  if (q->before) {
    if (q->before->empty() || q->before->size() > kMaxIdBytes) {
      return fail(std::string("before: not a message id"));
    }
    h.before = *q->before;
  }
  auto limit = parse_limit(q->limit, kMaxHistoryLimit);
  if (!limit) return fail(limit.error());
  h.limit = *limit;
  return h;
}

// ---- bodies ----

Result<json::object, std::string> body_object(std::string_view body) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 8;
  json::value v = json::parse(body, ec, {}, opts);
  if (ec || !v.is_object()) return fail(std::string("body: not a JSON object"));
  return std::move(v.as_object());
}

// An optional string member of min..max bytes.
Result<std::optional<std::string>, std::string> string_member(const json::object& o,
                                                              const char* name, std::size_t min,
                                                              std::size_t max) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr) return std::optional<std::string>{};
  const json::string* s = v->if_string();
  if (s == nullptr) return fail(std::string(name) + ": not a string");
  if (s->size() < min || s->size() > max) {
    return fail(std::string(name) + ": not " + std::to_string(min) + " to " + std::to_string(max) +
                " bytes");
  }
  return std::optional<std::string>(std::string(s->data(), s->size()));
}

// The three room settings both POST and PATCH take.
Checked room_settings(const json::object& o, RoomChangeRequest& out) {
  auto title = string_member(o, "title", 1, kMaxTitleBytes);
  if (!title) return fail(title.error());
  auto topic = string_member(o, "topic", 0, kMaxTopicBytes);
  if (!topic) return fail(topic.error());
  auto visibility = string_member(o, "visibility", 1, 16);
  if (!visibility) return fail(std::string("visibility: not public or invite"));
  if (*visibility && **visibility != "public" && **visibility != "invite") {
    return fail(std::string("visibility: not public or invite"));
  }
  out = RoomChangeRequest{std::move(*title), std::move(*topic), std::move(*visibility)};
  return Ok{};
}

Result<NewRoomRequest, std::string> parse_new_room(std::string_view body) {
  auto o = body_object(body);
  if (!o) return fail(o.error());
  const json::value* name = o->if_contains("name");
  if (name == nullptr) return fail(std::string("name: missing"));
  std::optional<std::string> canonical;
  if (name->is_string()) canonical = codec::canonical_name(name->get_string());
  if (!canonical) return fail(std::string("name: not a valid room name"));
  RoomChangeRequest settings;
  if (auto ok = room_settings(*o, settings); !ok) return fail(ok.error());
  NewRoomRequest r;
  r.title = settings.title.value_or(*canonical);
  r.topic = settings.topic.value_or("");
  r.visibility = settings.visibility.value_or("public");
  r.name = std::move(*canonical);
  return r;
}

Result<RoomChangeRequest, std::string> parse_room_change(std::string_view body) {
  auto o = body_object(body);
  if (!o) return fail(o.error());
  RoomChangeRequest change;
  if (auto ok = room_settings(*o, change); !ok) return fail(ok.error());
  if (!change.title && !change.topic && !change.visibility) {
    return fail(std::string("body: none of title, topic, visibility"));
  }
  return change;
}

// `{"user": NAME}` (invite, add buddy).
Result<std::string, std::string> parse_user(std::string_view body) {
  auto o = body_object(body);
  if (!o) return fail(o.error());
  const json::value* user = o->if_contains("user");
  if (user == nullptr) return fail(std::string("user: missing"));
  std::optional<std::string> name;
  if (user->is_string()) name = codec::canonical_name(user->get_string());
  if (!name) return fail(std::string("user: not a valid user name"));
  return std::move(*name);
}

Result<std::string, std::string> parse_last_id(std::string_view body) {
  auto o = body_object(body);
  if (!o) return fail(o.error());
  auto id = string_member(*o, "last_id", 1, kMaxIdBytes);
  if (!id) return fail(id.error());
  if (!*id) return fail(std::string("last_id: missing"));
  return std::move(**id);
}

// ---- answers ----

HttpResponse api_error_response(const ApiError& e) {
  // A delegate bug must not turn into a success or a non-error status.
  if (e.http_status < 400 || e.http_status > 599 || e.code.empty()) {
    return error_response(500, "internal", "internal error");
  }
  return error_response(e.http_status, e.code, e.message, e.retry_after);
}

// The `done` of one delegate call: answers the request with `ok_status` and
// the encoded value, or the delegate's error. Touches nothing of the Api, so
// it may run after the session or the Api are gone; `respond` itself is
// safe after the connection closed (web_handler.hpp).
template <typename T, typename Encode>
Done<T> answer(const Respond& respond, int ok_status, Encode encode) {
  return [respond, ok_status, encode](ApiResult<T> r) {
    try {
      if (!r) return respond(api_error_response(r.error()));
      respond(json_response(ok_status, encode(r.value())));
    } catch (const std::exception&) {
      respond(error_response(500, "internal", "internal error"));  // allocation only
    }
  };
}

std::string encode_nothing(const NoContent&) { return "{}"; }

Checked call_read(ChatDelegate& chat, Route route, std::string_view target, const UserInfo& user,
                  std::string name, const Respond& respond) {
  using Stored = std::vector<StoredMessageView>;
  using Members = std::vector<MemberView>;
  switch (route) {
    case Route::kRooms:
      chat.list_rooms(user, answer<std::vector<RoomView>>(respond, 200, codec::encode_rooms));
      return Ok{};
    case Route::kMembers:
      chat.members(user, std::move(name), answer<Members>(respond, 200, [](const Members& m) {
                     return codec::encode_members("members", m);
                   }));
      return Ok{};
    case Route::kBuddies:
      chat.buddies(user, answer<Members>(respond, 200, [](const Members& m) {
                     return codec::encode_members("buddies", m);
                   }));
      return Ok{};
    case Route::kRoomHistory:
    case Route::kConversation: {
      auto page = history_request(target);
      if (!page) return fail(page.error());
      auto done = answer<HistoryPageView>(respond, 200, codec::encode_history);
      if (route == Route::kRoomHistory) {
        chat.room_history(user, std::move(name), std::move(*page), std::move(done));
      } else {
        chat.private_history(user, std::move(name), std::move(*page), std::move(done));
      }
      return Ok{};
    }
    case Route::kSearch: {
      auto q = parse_query(target);
      if (!q) return fail(q.error());
      if (!q->q || q->q->empty() || q->q->size() > kMaxSearchBytes) {
        return fail(std::string("q: not 1 to 256 bytes"));
      }
      auto limit = parse_limit(q->limit, kMaxSearchLimit);
      if (!limit) return fail(limit.error());
      chat.search(user, std::move(*q->q), *limit, answer<Stored>(respond, 200, codec::encode_hits));
      return Ok{};
    }
    default:
      return fail(std::string("method: not a read"));  // unreachable: routes check methods
  }
}

Checked call_room_write(ChatDelegate& chat, Route route, std::string_view method,
                        std::string_view body, const UserInfo& user, std::string name,
                        const Respond& respond) {
  switch (route) {
    case Route::kRooms: {
      auto room = parse_new_room(body);
      if (!room) return fail(room.error());
      chat.create_room(user, std::move(*room), answer<RoomView>(respond, 201, codec::encode_room));
      return Ok{};
    }
    case Route::kRoom: {
      if (method == "DELETE") {
        chat.delete_room(user, std::move(name), answer<NoContent>(respond, 200, encode_nothing));
        return Ok{};
      }
      auto change = parse_room_change(body);
      if (!change) return fail(change.error());
      chat.update_room(user, std::move(name), std::move(*change),
                       answer<RoomView>(respond, 200, codec::encode_room));
      return Ok{};
    }
    case Route::kJoin:
      chat.join_room(user, std::move(name), answer<RoomView>(respond, 200, codec::encode_room));
      return Ok{};
    case Route::kLeave:
      chat.leave_room(user, std::move(name), answer<RoomView>(respond, 200, codec::encode_room));
      return Ok{};
    case Route::kInvite: {
      auto invitee = parse_user(body);
      if (!invitee) return fail(invitee.error());
      chat.invite(user, std::move(name), std::move(*invitee),
                  answer<NoContent>(respond, 200, encode_nothing));
      return Ok{};
    }
    case Route::kRead: {
      auto last = parse_last_id(body);
      if (!last) return fail(last.error());
      chat.mark_read(user, std::move(name), std::move(*last),
                     answer<NoContent>(respond, 200, encode_nothing));
      return Ok{};
    }
    default:
      return fail(std::string("method: not a room write"));  // unreachable
  }
}

Checked call_write(ChatDelegate& chat, Route route, std::string_view method, std::string_view body,
                   const UserInfo& user, std::string name, const Respond& respond) {
  if (route == Route::kBuddies) {
    auto buddy = parse_user(body);
    if (!buddy) return fail(buddy.error());
    chat.add_buddy(user, std::move(*buddy), answer<NoContent>(respond, 200, encode_nothing));
    return Ok{};
  }
  if (route == Route::kBuddy) {
    chat.remove_buddy(user, std::move(name), answer<NoContent>(respond, 200, encode_nothing));
    return Ok{};
  }
  return call_room_write(chat, route, method, body, user, std::move(name), respond);
}

}  // namespace

bool Api::Impl::chat_request(const HttpRequest& request, const Respond& respond) {
  const auto m = match_route(request.path());
  if (!m) return false;
  ChatDelegate* chat = delegate.chat();
  if (chat == nullptr) {
    respond(error_response(404, "not_found", "no such API path"));
    return true;
  }
  if (request.method != m->methods[0] && request.method != m->methods[1]) {
    respond(error_response(405, "method_not_allowed", "method not allowed on this path"));
    return true;
  }
  auto checked = check_signed(signed_input_of(request));
  if (!checked) {
    respond(refusal_response(checked.error()));
    return true;
  }
  // A copy: the session may end before the delegate answers.
  const UserInfo user = checked.value()->user;
  std::string name;
  if (has_name(m->route)) {
    auto n = path_name(m->name, name_field(m->route));
    if (!n) {
      respond(error_response(400, "bad_request", n.error()));
      return true;
    }
    name = std::move(*n);
  }
  const Checked called =
      request.method == "GET"
          ? call_read(*chat, m->route, request.target, user, std::move(name), respond)
          : call_write(*chat, m->route, request.method, request.body, user, std::move(name),
                       respond);
  if (!called) respond(error_response(400, "bad_request", called.error()));
  return true;
}

}  // namespace parley::web
