// web::Api frames of the rooms API (api.md "Rooms over the WebSocket" and
// "Presence status"): room.post goes out as a send to "~room", presence.set
// reaches the ChatDelegate, and refusals come back as error frames.
#include "api_test_support.hpp"
#include "fake_chat.hpp"

namespace parley::web::test {
namespace {

class ApiChatWsTest : public ApiFixture {
 protected:
  ApiChatWsTest() {
    delegate_.chat_delegate = &chat_;
    l_ = login();
    ws_ = open_ws(l_);
    frames(ws_).clear();  // hello
  }
  void send(std::uint64_t seq, const std::string& json) {
    api_->on_ws_text(ws_, frame(l_, seq, json));
  }
  // The only frame the server answered with, parsed.
  boost::json::value only_frame() {
    EXPECT_EQ(frames(ws_).size(), 1u);
    return frames(ws_).empty() ? boost::json::value() : parse_json(frames(ws_).back());
  }

  FakeChat chat_;
  Login l_;
  WsId ws_{};
};

TEST_F(ApiChatWsTest, RoomPostIsASendToTheRoomAddress) {
  send(1, R"({"type":"room.post","id":"c1","room":"Lobby","text":"hello room"})");
  ASSERT_EQ(delegate_.sent.size(), 1u);
  EXPECT_EQ(delegate_.sent[0].first, WebSessionId{1});
  EXPECT_EQ(delegate_.sent[0].second.id, "c1");
  EXPECT_EQ(delegate_.sent[0].second.to, "~lobby");
  EXPECT_EQ(delegate_.sent[0].second.text, "hello room");
  EXPECT_TRUE(frames(ws_).empty());
}

TEST_F(ApiChatWsTest, BadRoomPostGetsAnErrorFrameAndTheSocketStays) {
  send(1, R"({"type":"room.post","id":"c1","room":"no room","text":"x"})");
  const auto e = only_frame();
  EXPECT_EQ(e.at("type"), "error");
  EXPECT_EQ(e.at("code"), "bad_request");
  EXPECT_EQ(e.at("seq"), 1);
  EXPECT_TRUE(std::string(e.at("message").as_string()).starts_with("room:"));
  EXPECT_TRUE(delegate_.sent.empty());
  EXPECT_FALSE(sender_.is_closed(ws_));
}

TEST_F(ApiChatWsTest, PresenceSetReachesTheChatDelegate) {
  send(1, R"({"type":"presence.set","status":"dnd","note":"in a meeting"})");
  send(2, R"({"type":"presence.set","status":"available"})");
  EXPECT_EQ(chat_.calls, (std::vector<std::string>{"set_presence:1:alice:dnd:in a meeting",
                                                   "set_presence:1:alice:available:"}));
  EXPECT_TRUE(frames(ws_).empty());
}

TEST_F(ApiChatWsTest, BadPresenceStatusIsABadRequest) {
  send(1, R"({"type":"presence.set","status":"on_the_phone"})");
  const auto e = only_frame();
  EXPECT_EQ(e.at("code"), "bad_request");
  EXPECT_EQ(e.at("seq"), 1);
  EXPECT_TRUE(chat_.calls.empty());
}

TEST_F(ApiChatWsTest, PresenceSetWithoutChatIsNotFound) {
  delegate_.chat_delegate = nullptr;
  send(1, R"({"type":"presence.set","status":"away"})");
  const auto e = only_frame();
  EXPECT_EQ(e.at("code"), "not_found");
  EXPECT_EQ(e.at("seq"), 1);
  EXPECT_FALSE(sender_.is_closed(ws_));
}

TEST_F(ApiChatWsTest, UnknownTypesAreStillUnknown) {
  send(1, R"({"type":"room.join","room":"lobby"})");
  EXPECT_EQ(only_frame().at("code"), "unknown_type");
}

}  // namespace
}  // namespace parley::web::test
