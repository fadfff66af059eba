#include "chat/room_address.hpp"

#include <gtest/gtest.h>

#include "sip/message/parser.hpp"

namespace parley::chat {
namespace {

sip::Uri uri(std::string_view text) {
  auto u = sip::parse_uri(text);
  EXPECT_TRUE(u.ok()) << text;
  return u.ok() ? *u : sip::Uri{};
}

TEST(RoomAddress, NamesFollowTheUserNameRule) {
  EXPECT_TRUE(is_valid_room_name("lobby"));
  EXPECT_TRUE(is_valid_room_name("0day.talk_x-1"));
  EXPECT_TRUE(is_valid_room_name(std::string(64, 'a')));
  EXPECT_FALSE(is_valid_room_name(std::string(65, 'a')));
  EXPECT_FALSE(is_valid_room_name(""));
  EXPECT_FALSE(is_valid_room_name("Lobby"));
  EXPECT_FALSE(is_valid_room_name("-lobby"));
  EXPECT_FALSE(is_valid_room_name("~lobby"));
  EXPECT_FALSE(is_valid_room_name("lob by"));
}

TEST(RoomAddress, NormalizeAcceptsWhatPeopleType) {
  EXPECT_EQ(normalize_room_name("Lobby"), "lobby");
  EXPECT_EQ(normalize_room_name(" ~Lobby "), "lobby");
  EXPECT_EQ(normalize_room_name("#lobby"), "lobby");
  EXPECT_EQ(normalize_room_name("~"), std::nullopt);
  EXPECT_EQ(normalize_room_name("a/b"), std::nullopt);
}

TEST(RoomAddress, UriRoundTripsAndNeverLooksLikeAUser) {
  EXPECT_EQ(room_uri("lobby", "example.com"), "sip:~lobby@example.com");
  EXPECT_EQ(room_name_from_uri(uri("sip:~lobby@example.com"), "example.com"), "lobby");
  EXPECT_EQ(room_name_from_uri(uri("sips:~Lobby@EXAMPLE.com"), "example.com"), "lobby");
  EXPECT_EQ(room_name_from_uri(uri("sip:%7Elobby@example.com"), "example.com"), "lobby");
  EXPECT_EQ(room_name_from_uri(uri("sip:~lobby@example.com:5060;transport=tcp"), "example.com"),
            "lobby");
  // A user URI, another domain, a bare prefix, a bad name, tel: are not rooms.
  EXPECT_EQ(room_name_from_uri(uri("sip:lobby@example.com"), "example.com"), std::nullopt);
  EXPECT_EQ(room_name_from_uri(uri("sip:~lobby@other.org"), "example.com"), std::nullopt);
  EXPECT_EQ(room_name_from_uri(uri("sip:~@example.com"), "example.com"), std::nullopt);
  EXPECT_EQ(room_name_from_uri(uri("sip:~-x@example.com"), "example.com"), std::nullopt);
  EXPECT_EQ(room_name_from_uri(uri("tel:+123456"), "example.com"), std::nullopt);
  EXPECT_EQ(room_name_from_uri(uri("sip:example.com"), "example.com"), std::nullopt);
}

}  // namespace
}  // namespace parley::chat
