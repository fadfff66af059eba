// The codec against protocol/examples: every c2s example decodes, every s2c
// example is what the encoders produce (compared as parsed JSON values).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "web/api_codec.hpp"

namespace parley::web::codec {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string example(const std::string& name) {
  std::ifstream in(fs::path(PARLEY_SOURCE_DIR) / "protocol/examples" / name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const UserInfo kAlice{"alice", "Alice", "sip:alice@localhost"};

TEST(ApiCodec, EveryClientExampleDecodes) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(fs::path(PARLEY_SOURCE_DIR) / "protocol/examples")) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with("c2s.")) continue;
    ++n;
    const auto r = decode_client_message(example(name));
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().message);
  }
  EXPECT_GE(n, 3);
}

TEST(ApiCodec, ClientExamplesDecodeToTheirValues) {
  EXPECT_TRUE(std::holds_alternative<Ping>(decode_client_message(example("c2s.ping.json")).value()));
  const auto send = decode_client_message(example("c2s.message.send.json"));
  ASSERT_TRUE(send.ok());
  const auto& m = std::get<MessageSend>(send.value()).message;
  EXPECT_EQ(m.id, "c-1f3a");
  EXPECT_EQ(m.to, "bob");
  EXPECT_EQ(m.text, "Hello Bob, lunch at 12? \xE2\x98\x95");
  const auto ack = decode_client_message(example("c2s.message.ack.json"));
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(std::get<MessageAck>(ack.value()).id, "m-000042");
  // room.post is a send to the room's address "~name".
  const auto post = decode_client_message(example("c2s.room.post.json"));
  ASSERT_TRUE(post.ok());
  const auto& p = std::get<MessageSend>(post.value()).message;
  EXPECT_EQ(p.id, "c-2b07");
  EXPECT_EQ(p.to, "~lobby");
  EXPECT_EQ(p.text, "Yes please");
  const auto set = decode_client_message(example("c2s.presence.set.json"));
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(std::get<PresenceSet>(set.value()).status, "away");
  EXPECT_EQ(std::get<PresenceSet>(set.value()).note, "back at 2");
}

void expect_same_json(const std::string& encoded, const std::string& example_name) {
  EXPECT_EQ(json::parse(encoded), json::parse(example(example_name))) << encoded;
}

TEST(ApiCodec, EncodersProduceTheServerExamples) {
  expect_same_json(encode_hello(kAlice, 17, 1796000000000), "s2c.hello.json");
  expect_same_json(encode_pong(1796000000250), "s2c.pong.json");
  expect_same_json(encode_message_status("c-1f3a", 480, "Temporarily Unavailable"),
                   "s2c.message.status.json");
  expect_same_json(encode_presence_state("bob", {"away", "back at 2"}), "s2c.presence.json");
  expect_same_json(encode_presence_states({{"bob", {"available", ""}}, {"carol", {"offline", ""}}}),
                   "s2c.presence.users.json");
  expect_same_json(encode_room_message({"m-000051", "lobby", "sip:bob@localhost", "bob", "",
                                        "Coffee?", 1796000002000}),
                   "s2c.room.message.json");
  expect_same_json(encode_room_event("lobby", "joined", "carol"), "s2c.room.event.json");
  expect_same_json(encode_error("unknown_type", "unknown message type", 18), "s2c.error.json");
  MessageEvent m;
  m.id = "m-000042";
  m.from = "sip:bob@localhost";
  m.from_user = "bob";
  m.to = "sip:alice@localhost";
  m.to_user = "alice";
  m.text = "Yes, 12 at the usual place.";
  m.time_ms = 1796000001000;
  expect_same_json(encode_message(m), "s2c.message.json");
}

TEST(ApiCodec, EveryServerExampleIsCovered) {
  // A new s2c example must get an encoder check above.
  std::set<std::string> covered{"s2c.hello.json", "s2c.pong.json", "s2c.message.status.json",
                                "s2c.presence.json", "s2c.error.json", "s2c.message.json",
                                "s2c.presence.users.json", "s2c.room.message.json",
                                "s2c.room.event.json"};
  for (const auto& e : fs::directory_iterator(fs::path(PARLEY_SOURCE_DIR) / "protocol/examples")) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("s2c.")) {
      EXPECT_TRUE(covered.contains(name)) << name;
    }
  }
}

TEST(ApiCodec, EncodesNullsDeliveredAndNoSeq) {
  MessageEvent m;
  m.outgoing = true;
  const auto v = json::parse(encode_message(m));
  EXPECT_EQ(v.at("direction"), "out");
  EXPECT_TRUE(v.at("from_user").is_null());
  EXPECT_TRUE(v.at("to_user").is_null());
  EXPECT_EQ(json::parse(encode_message_status("x", 202, "Accepted")).at("status"), "delivered");
  EXPECT_EQ(json::parse(encode_message_status("x", 300, "Multiple")).at("status"), "failed");
  EXPECT_FALSE(json::parse(encode_error("bad_request", "m")).as_object().contains("seq"));
  EXPECT_EQ(json::parse(encode_user(kAlice)).at("uri"), "sip:alice@localhost");
  // Text with quotes, control characters and non-ASCII stays JSON.
  EXPECT_EQ(json::parse(encode_presence("a\"b\n\xC3\xA9", false)).at("user"), "a\"b\n\xC3\xA9");
  // The older presence encoders keep their shape for callers not yet on status.
  EXPECT_EQ(json::parse(encode_presence("bob", true)),
            json::parse(R"({"type":"presence","user":"bob","online":true})"));
  const auto busy = json::parse(encode_presence_state("bob", {"on_the_phone", ""}));
  EXPECT_EQ(busy.at("online"), true);
  EXPECT_EQ(json::parse(encode_presence_state("bob", {})).at("online"), false);
  const auto event = json::parse(encode_room_event("lobby", "deleted", ""));
  EXPECT_TRUE(event.at("user").is_null());
  const auto priv = json::parse(encode_room_message({"m-1", "", "sip:x@example.com", "", "alice", "hi", 5}));
  EXPECT_TRUE(priv.at("room").is_null());
  EXPECT_TRUE(priv.at("from_user").is_null());
  EXPECT_EQ(priv.at("to_user"), "alice");
}

std::string code_of(std::string_view text) {
  const auto r = decode_client_message(text);
  return r.ok() ? "ok" : r.error().code;
}

TEST(ApiCodec, RefusesBadMessages) {
  EXPECT_EQ(code_of(""), "bad_request");
  EXPECT_EQ(code_of("{"), "bad_request");
  EXPECT_EQ(code_of("[]"), "bad_request");
  EXPECT_EQ(code_of("\"ping\""), "bad_request");
  EXPECT_EQ(code_of("{}"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": 1})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "call.start"})"), "unknown_type");
  EXPECT_EQ(code_of(R"({"type": "ping", "extra": [1, {"x": null}]})"), "ok");  // unknown fields ignored
  EXPECT_EQ(code_of(R"({"type": "message.send", "id": "1", "to": "bob"})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "message.send", "id": "1", "to": "bob", "text": ""})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "message.send", "id": "", "to": "bob", "text": "x"})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "message.send", "id": "1", "to": 5, "text": "x"})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "message.send", "id": "1", "to": "~lobby", "text": "x"})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "message.ack"})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "room.post", "id": "1", "room": "Lobby", "text": "x"})"), "ok");
  EXPECT_EQ(code_of(R"({"type": "room.post", "id": "1", "room": "~lobby", "text": "x"})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "room.post", "id": "1", "room": "", "text": "x"})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "room.post", "id": "1", "room": 1, "text": "x"})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "room.post", "id": "1", "text": "x"})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "room.post", "id": "", "room": "a", "text": "x"})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "room.post", "id": "1", "room": "a", "text": ""})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "presence.set", "status": "dnd"})"), "ok");
  EXPECT_EQ(code_of(R"({"type": "presence.set", "status": "offline"})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "presence.set", "status": "on_the_phone"})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "presence.set", "status": "Away"})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "presence.set"})"), "bad_request");
  EXPECT_EQ(code_of(R"({"type": "presence.set", "status": "away", "note": 1})"), "bad_request");
  EXPECT_EQ(code_of(json::serialize(json::object{
                {"type", "presence.set"}, {"status", "away"}, {"note", std::string(256, 'n')}})),
            "ok");
  EXPECT_EQ(code_of(json::serialize(json::object{
                {"type", "presence.set"}, {"status", "away"}, {"note", std::string(257, 'n')}})),
            "bad_request");
  const auto bad_status = decode_client_message(R"({"type": "presence.set", "status": "x"})");
  EXPECT_TRUE(bad_status.error().message.starts_with("status:"));
  EXPECT_EQ(code_of("{\"type\": \"ping\", \"x\": \"\xFF\"}"), "bad_request");  // not UTF-8
  EXPECT_EQ(code_of(std::string(10000, '[')), "bad_request");                 // deep nesting
  const auto missing = decode_client_message(R"({"type": "message.send", "id": "1", "to": "bob"})");
  EXPECT_NE(missing.error().message.find("text"), std::string::npos);
}

TEST(ApiCodec, LengthLimitsCountCharacters) {
  const auto send = [](const std::string& id, const std::string& text) {
    return code_of(json::serialize(json::object{
        {"type", "message.send"}, {"id", id}, {"to", "bob"}, {"text", text}}));
  };
  EXPECT_EQ(send(std::string(64, 'i'), "x"), "ok");
  EXPECT_EQ(send(std::string(65, 'i'), "x"), "bad_request");
  EXPECT_EQ(send("i", std::string(16384, 't')), "ok");
  EXPECT_EQ(send("i", std::string(16385, 't')), "bad_request");
  std::string euros;
  for (int i = 0; i < 16384; ++i) euros += "\xE2\x82\xAC";  // 3 bytes, 1 character each
  EXPECT_EQ(send("i", euros), "ok");
  EXPECT_EQ(send("i", euros + "x"), "bad_request");
}

TEST(ApiCodec, NameRule) {
  EXPECT_EQ(canonical_name("Lobby"), "lobby");
  EXPECT_EQ(canonical_name("a.b_c-9"), "a.b_c-9");
  EXPECT_EQ(canonical_name("9"), "9");
  EXPECT_EQ(canonical_name(std::string(64, 'z')), std::string(64, 'z'));
  EXPECT_FALSE(canonical_name(std::string(65, 'z')));
  EXPECT_FALSE(canonical_name(""));
  EXPECT_FALSE(canonical_name(".a"));
  EXPECT_FALSE(canonical_name("-a"));
  EXPECT_FALSE(canonical_name("_a"));
  EXPECT_FALSE(canonical_name("~a"));
  EXPECT_FALSE(canonical_name("a b"));
  EXPECT_FALSE(canonical_name("a/b"));
  EXPECT_FALSE(canonical_name("\xC3\xA9"));
  EXPECT_FALSE(canonical_name(std::string_view("a\0b", 3)));
}

// The HTTP answers of the rooms API are the http.*.response.json examples.
TEST(ApiCodec, RoomAnswersAreTheHttpExamples) {
  RoomView lobby{"lobby", "Lobby", "Say hello", "public", "sip:~lobby@localhost", "member",
                 true, false, 3, 2, "m-000051"};
  RoomView secret{"secret", "Secret", "", "invite", "sip:~secret@localhost", "", false, true, 1,
                  0, ""};
  expect_same_json(encode_rooms({lobby, secret}), "http.rooms.response.json");
  RoomView lunch{"lunch", "Lunch", "Where and when", "public", "sip:~lunch@localhost", "owner",
                 true, false, 1, 0, ""};
  expect_same_json(encode_room(lunch), "http.rooms.post.response.json");
  expect_same_json(
      encode_members("members", {{"alice", "Alice", "member", {"available", ""}},
                                 {"bob", "Bob", "owner", {"away", "back at 2"}}}),
      "http.rooms.members.response.json");
  expect_same_json(encode_members("buddies", {{"bob", "Bob", "", {"dnd", "in a meeting"}}}),
                   "http.buddies.response.json");
  const StoredMessageView hello{"m-000050", "lobby", "sip:alice@localhost", "alice", "",
                                "Hello all", 1796000001000};
  const StoredMessageView coffee{"m-000051", "lobby", "sip:bob@localhost", "bob", "", "Coffee?",
                                 1796000002000};
  expect_same_json(encode_history({{hello, coffee}, true}), "http.rooms.messages.response.json");
  const StoredMessageView priv{"m-000042", "", "sip:bob@localhost", "bob", "alice",
                               "Coffee at 12?", 1796000001000};
  expect_same_json(encode_hits({coffee, priv}), "http.search.response.json");
  expect_same_json(encode_users({{kAlice, true, {"available", ""}},
                                 {{"bob", "Bob", "sip:bob@localhost"}, false, {"offline", ""}}}),
                   "http.users.response.json");
}

}  // namespace
}  // namespace parley::web::codec
