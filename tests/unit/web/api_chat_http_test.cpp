// web::Api rooms routes (api.md "Rooms, history, search and buddies"): every
// route reaches its ChatDelegate method with the session's user and checked
// values, answers when the delegate does, passes delegate errors through,
// refuses bad names, queries and bodies, and is 404 without chat.
#include "api_test_support.hpp"
#include "fake_chat.hpp"

namespace parley::web::test {
namespace {

class ApiChatHttpTest : public ApiFixture {
 protected:
  ApiChatHttpTest() {
    delegate_.chat_delegate = &chat_;
    chat_.room = RoomView{"lunch", "Lunch", "Where", "public", "sip:~lunch@localhost",
                          "owner", true, false, 1, 0, ""};
    chat_.rooms = {chat_.room};
    chat_.member_list = {MemberView{"bob", "Bob", "owner", PresenceView{"away", "back at 2"}}};
    chat_.page.messages = {
        StoredMessageView{"m-1", "lunch", "sip:bob@localhost", "bob", "", "Pizza?", 1796000001000}};
    chat_.page.more = true;
    l_ = login();
  }

  HttpResponse send(const std::string& method, const std::string& target,
                    const std::string& body = {}) {
    return call(signed_request(l_, method, target, body));
  }

  FakeChat chat_;
  Login l_;
};

struct RouteCase {
  std::string method, target, body;
  std::string call;   // the FakeChat line expected
  int status;
  std::string answer;  // expected JSON
};

TEST_F(ApiChatHttpTest, EveryRouteCallsItsDelegateMethodAndAnswers) {
  const std::string room =
      R"({"name":"lunch","title":"Lunch","topic":"Where","visibility":"public",)"
      R"("uri":"sip:~lunch@localhost","role":"owner","joined":true,"invited":false,)"
      R"("members":1,"unread":0,"last_id":null})";
  const std::string member =
      R"({"name":"bob","display_name":"Bob","role":"owner","presence":{"status":"away","note":"back at 2"}})";
  const std::string stored =
      R"({"id":"m-1","room":"lunch","from":"sip:bob@localhost","from_user":"bob",)"
      R"("to_user":null,"text":"Pizza?","time_ms":1796000001000})";
  const std::vector<RouteCase> cases = {
      {"GET", "/api/v1/rooms", "", "list_rooms:alice", 200, "{\"rooms\":[" + room + "]}"},
      {"POST", "/api/v1/rooms", R"({"name":"Lunch","title":"Lunch","topic":"Where"})",
       "create_room:alice:lunch:Lunch:Where:public", 201, room},
      {"PATCH", "/api/v1/rooms/lunch", R"({"topic":""})", "update_room:alice:lunch:-::-", 200, room},
      {"DELETE", "/api/v1/rooms/lunch", "", "delete_room:alice:lunch", 200, "{}"},
      {"POST", "/api/v1/rooms/lunch/join", "{}", "join_room:alice:lunch", 200, room},
      {"POST", "/api/v1/rooms/lunch/leave", "{}", "leave_room:alice:lunch", 200, room},
      {"POST", "/api/v1/rooms/lunch/invite", R"({"user":"Carol"})", "invite:alice:lunch:carol", 200,
       "{}"},
      {"GET", "/api/v1/rooms/lunch/members", "", "members:alice:lunch", 200,
       "{\"members\":[" + member + "]}"},
      {"GET", "/api/v1/rooms/lunch/messages", "", "room_history:alice:lunch::50", 200,
       "{\"messages\":[" + stored + "],\"more\":true}"},
      {"GET", "/api/v1/rooms/lunch/messages?before=m-9&limit=200", "",
       "room_history:alice:lunch:m-9:200", 200, "{\"messages\":[" + stored + "],\"more\":true}"},
      {"GET", "/api/v1/conversations/bob/messages?limit=1", "", "private_history:alice:bob::1", 200,
       "{\"messages\":[" + stored + "],\"more\":true}"},
      {"POST", "/api/v1/rooms/lunch/read", R"({"last_id":"m-1"})", "mark_read:alice:lunch:m-1", 200,
       "{}"},
      {"GET", "/api/v1/search?q=pizza+at%2012&limit=100", "", "search:alice:pizza at 12:100", 200,
       "{\"hits\":[" + stored + "]}"},
      {"GET", "/api/v1/search?q=x", "", "search:alice:x:50", 200, "{\"hits\":[" + stored + "]}"},
      {"GET", "/api/v1/buddies", "", "buddies:alice", 200, "{\"buddies\":[" + member + "]}"},
      {"POST", "/api/v1/buddies", R"({"user":"bob","extra":[1]})", "add_buddy:alice:bob", 200, "{}"},
      {"DELETE", "/api/v1/buddies/bob", "", "remove_buddy:alice:bob", 200, "{}"},
  };
  for (const RouteCase& c : cases) {
    chat_.calls.clear();
    const HttpResponse r = send(c.method, c.target, c.body);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.target << ": " << r.body;
    EXPECT_EQ(chat_.calls, std::vector<std::string>{c.call}) << c.method << " " << c.target;
    EXPECT_EQ(parse_json(r.body), parse_json(c.answer)) << c.method << " " << c.target;
  }
}

TEST_F(ApiChatHttpTest, PathNamesArePercentDecodedAndLowerCased) {
  EXPECT_EQ(send("GET", "/api/v1/rooms/Lun%43h/members").status, 200);
  EXPECT_EQ(send("GET", "/api/v1/conversations/B.o_b-1/messages").status, 200);
  EXPECT_EQ(chat_.calls, (std::vector<std::string>{"members:alice:lunch",
                                                   "private_history:alice:b.o_b-1::50"}));
}

TEST_F(ApiChatHttpTest, CreateDefaults) {
  EXPECT_EQ(send("POST", "/api/v1/rooms", R"({"name":"tea"})").status, 201);
  EXPECT_EQ(send("POST", "/api/v1/rooms", R"({"name":"tea","visibility":"invite"})").status, 201);
  EXPECT_EQ(chat_.calls, (std::vector<std::string>{"create_room:alice:tea:tea::public",
                                                   "create_room:alice:tea:tea::invite"}));
}

struct BadCase {
  std::string method, target, body;
  std::string field;  // named in the 400 message
};

TEST_F(ApiChatHttpTest, RefusesBadNamesQueriesAndBodies) {
  const std::string long_title = "{\"name\":\"a\",\"title\":\"" + std::string(101, 't') + "\"}";
  const std::string long_topic = "{\"topic\":\"" + std::string(501, 't') + "\"}";
  const std::vector<BadCase> cases = {
      {"GET", "/api/v1/rooms/-x/members", "", "room"},
      {"GET", "/api/v1/rooms/a~b/members", "", "room"},
      {"GET", "/api/v1/rooms/%C3%A9/members", "", "room"},
      {"GET", "/api/v1/rooms//members", "", "room"},
      {"GET", "/api/v1/rooms/" + std::string(65, 'a') + "/members", "", "room"},
      {"GET", "/api/v1/rooms/" + std::string(193, 'a') + "/members", "", "room"},
      {"GET", "/api/v1/conversations/a%2Fb/messages", "", "user"},
      {"DELETE", "/api/v1/buddies/a%20b", "", "user"},
      {"GET", "/api/v1/rooms/lunch/messages?limit=0", "", "limit"},
      {"GET", "/api/v1/rooms/lunch/messages?limit=201", "", "limit"},
      {"GET", "/api/v1/rooms/lunch/messages?limit=050", "", "limit"},
      {"GET", "/api/v1/rooms/lunch/messages?limit=-1", "", "limit"},
      {"GET", "/api/v1/rooms/lunch/messages?limit=1&limit=2", "", "limit"},
      {"GET", "/api/v1/rooms/lunch/messages?before=", "", "before"},
      {"GET", "/api/v1/rooms/lunch/messages?before=" + std::string(129, 'm'), "", "before"},
      {"GET", "/api/v1/search", "", "q"},
      {"GET", "/api/v1/search?q=", "", "q"},
      {"GET", "/api/v1/search?q=" + std::string(257, 'q'), "", "q"},
      {"GET", "/api/v1/search?q=x&limit=101", "", "limit"},
      {"POST", "/api/v1/rooms", "", "body"},
      {"POST", "/api/v1/rooms", "[]", "body"},
      {"POST", "/api/v1/rooms", R"({"title":"x"})", "name"},
      {"POST", "/api/v1/rooms", R"({"name":5})", "name"},
      {"POST", "/api/v1/rooms", R"({"name":"~a"})", "name"},
      {"POST", "/api/v1/rooms", R"({"name":"a","title":""})", "title"},
      {"POST", "/api/v1/rooms", long_title, "title"},
      {"POST", "/api/v1/rooms", R"({"name":"a","topic":3})", "topic"},
      {"POST", "/api/v1/rooms", R"({"name":"a","visibility":"secret"})", "visibility"},
      {"POST", "/api/v1/rooms", R"({"name":"a","visibility":null})", "visibility"},
      {"PATCH", "/api/v1/rooms/lunch", "{}", "body"},
      {"PATCH", "/api/v1/rooms/lunch", long_topic, "topic"},
      {"POST", "/api/v1/rooms/lunch/invite", "{}", "user"},
      {"POST", "/api/v1/rooms/lunch/invite", R"({"user":"a b"})", "user"},
      {"POST", "/api/v1/rooms/lunch/read", "{}", "last_id"},
      {"POST", "/api/v1/rooms/lunch/read", R"({"last_id":""})", "last_id"},
      {"POST", "/api/v1/buddies", R"({"user":["bob"]})", "user"},
  };
  for (const BadCase& c : cases) {
    const HttpResponse r = send(c.method, c.target, c.body);
    EXPECT_EQ(r.status, 400) << c.method << " " << c.target << " " << c.body;
    const auto v = parse_json(r.body);
    EXPECT_EQ(v.at("error").at("code"), "bad_request") << c.target;
    const std::string message(v.at("error").at("message").as_string());
    EXPECT_TRUE(message.starts_with(c.field + ":")) << c.target << " " << c.body << ": " << message;
  }
  EXPECT_TRUE(chat_.calls.empty()) << chat_.calls.front();
}

TEST_F(ApiChatHttpTest, RoutingMethodsAndSignature) {
  EXPECT_EQ(error_code_of(send("PUT", "/api/v1/rooms")), "method_not_allowed");
  EXPECT_EQ(send("GET", "/api/v1/rooms/lunch").status, 405);
  EXPECT_EQ(send("GET", "/api/v1/rooms/lunch/join").status, 405);
  EXPECT_EQ(send("POST", "/api/v1/search?q=x").status, 405);
  EXPECT_EQ(send("POST", "/api/v1/buddies/bob").status, 405);
  EXPECT_EQ(error_code_of(send("GET", "/api/v1/rooms/lunch/nothing")), "not_found");
  EXPECT_EQ(send("GET", "/api/v1/rooms/lunch/members/x").status, 404);
  EXPECT_EQ(send("GET", "/api/v1/conversations/bob").status, 404);
  EXPECT_EQ(send("GET", "/api/v1/search/x").status, 404);
  EXPECT_EQ(error_code_of(call(http("GET", "/api/v1/rooms"))), "missing_signature");
  Login wrong = l_;
  wrong.key = std::string(32, '\x07');
  EXPECT_EQ(error_code_of(call(signed_request(wrong, "GET", "/api/v1/rooms"))), "bad_signature");
  // The signature is checked before the body: no key, no hints about fields.
  EXPECT_EQ(error_code_of(call(http("POST", "/api/v1/rooms", "[]"))), "missing_signature");
  EXPECT_TRUE(chat_.calls.empty());
}

TEST_F(ApiChatHttpTest, WithoutChatEveryRouteIsNotFound) {
  delegate_.chat_delegate = nullptr;
  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/v1/rooms"}, {"POST", "/api/v1/rooms/a/join"}, {"GET", "/api/v1/search?q=x"},
           {"DELETE", "/api/v1/buddies/bob"}, {"PUT", "/api/v1/buddies"}}) {
    const HttpResponse r = send(method, target, "{}");
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(error_code_of(r), "not_found") << target;
  }
  EXPECT_EQ(call(http("GET", "/api/v1/rooms")).status, 404);
}

TEST_F(ApiChatHttpTest, AnswersWhenTheDelegateDoes) {
  chat_.defer = true;
  std::vector<HttpResponse> got;
  api_->on_request(signed_request(l_, "GET", "/api/v1/rooms/lunch/members"),
                   [&](HttpResponse r) { got.push_back(std::move(r)); });
  EXPECT_TRUE(got.empty());
  ASSERT_EQ(chat_.pending.size(), 1u);
  chat_.member_list.clear();  // what the delegate knows when it answers
  chat_.release();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].status, 200);
  EXPECT_EQ(parse_json(got[0].body), parse_json(R"({"members":[]})"));
}

TEST_F(ApiChatHttpTest, LateAnswerAfterLogoutAndAfterTheApiIsGone) {
  chat_.defer = true;
  std::vector<HttpResponse> got;
  const auto keep = [&](HttpResponse r) { got.push_back(std::move(r)); };
  api_->on_request(signed_request(l_, "POST", "/api/v1/rooms/lunch/join", "{}"), keep);
  api_->on_request(signed_request(l_, "GET", "/api/v1/rooms"), keep);
  EXPECT_EQ(call(signed_request(l_, "POST", "/api/v1/logout", "{}")).status, 200);
  chat_.pending.front()();  // the session is gone: the answer still goes out, nothing breaks
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].status, 200);
  api_.reset();  // the Api is gone too
  sender_.api = nullptr;
  chat_.pending.back()();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].status, 200);
}

TEST_F(ApiChatHttpTest, DelegateErrorsPassThroughWithRetryAfter) {
  chat_.error = ApiError{429, "rate_limited", "too many rooms created", 7};
  HttpResponse r = send("POST", "/api/v1/rooms", R"({"name":"a"})");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(parse_json(r.body),
            parse_json(R"({"error":{"code":"rate_limited","message":"too many rooms created"}})"));
  EXPECT_EQ(r.headers, (std::vector<std::pair<std::string, std::string>>{{"Retry-After", "7"}}));

  chat_.error = ApiError{403, "not_member", "not a member of lunch", 0};
  r = send("GET", "/api/v1/rooms/lunch/messages");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(error_code_of(r), "not_member");
  EXPECT_TRUE(r.headers.empty());

  chat_.error = ApiError{409, "conflict", "already a buddy", 0};
  EXPECT_EQ(error_code_of(send("POST", "/api/v1/buddies", R"({"user":"bob"})")), "conflict");

  // A delegate bug never becomes a success.
  chat_.error = ApiError{200, "ok", "", 0};
  r = send("DELETE", "/api/v1/rooms/lunch");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(error_code_of(r), "internal");
}

TEST_F(ApiChatHttpTest, UsersCarryStatusAndNote) {
  delegate_.user_list = {{{"alice", "Alice", "sip:alice@localhost"}, true, {"away", "lunch"}},
                         {{"bob", "Bob", "sip:bob@localhost"}, true},  // gateway gave no status
                         {{"carol", "Carol", "sip:carol@localhost"}, false}};
  const auto v = parse_json(send("GET", "/api/v1/users").body);
  const auto& users = v.at("users").as_array();
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[0].at("status"), "away");
  EXPECT_EQ(users[0].at("note"), "lunch");
  EXPECT_EQ(users[0].at("online"), true);
  EXPECT_EQ(users[1].at("status"), "available");
  EXPECT_EQ(users[2].at("status"), "offline");
  EXPECT_EQ(users[2].at("online"), false);
}

}  // namespace
}  // namespace parley::web::test
