#include "chat/room_command.hpp"

#include <gtest/gtest.h>

namespace parley::chat {
namespace {

RoomCommand command(std::string_view text) {
  auto t = parse_room_text(text);
  EXPECT_TRUE(t.command.has_value()) << text;
  return t.command.value_or(RoomCommand{});
}

TEST(RoomCommand, OrdinaryTextIsAPost) {
  auto t = parse_room_text("hello /join x");
  EXPECT_FALSE(t.command);
  EXPECT_EQ(t.post, "hello /join x");
  EXPECT_EQ(parse_room_text("").post, "");
  EXPECT_EQ(parse_room_text("//join is a command").post, "/join is a command");
  EXPECT_EQ(parse_room_text("  //x").post, "/x");
}

TEST(RoomCommand, JoinTakesOneRoomName) {
  auto c = command("/join Lobby");
  EXPECT_EQ(c.kind, CommandKind::Join);
  EXPECT_EQ(c.room, "lobby");
  EXPECT_EQ(command("  /JOIN\t~kitchen \r\n").room, "kitchen");
  auto missing = command("/join");
  EXPECT_EQ(missing.kind, CommandKind::Help);
  EXPECT_EQ(missing.problem, "usage: /join ROOM");
  auto extra = command("/join a b");
  EXPECT_EQ(extra.kind, CommandKind::Help);
  auto bad = command("/join no/such");
  EXPECT_EQ(bad.kind, CommandKind::Help);
  EXPECT_EQ(bad.problem, "\"no/such\" is not a room name");
}

TEST(RoomCommand, LeaveWhoHelp) {
  auto leave = command("/leave");
  EXPECT_EQ(leave.kind, CommandKind::Leave);
  EXPECT_EQ(leave.room, "");
  EXPECT_EQ(command("/leave other").room, "other");
  EXPECT_EQ(command("/who").kind, CommandKind::Who);
  EXPECT_EQ(command("/who is there").kind, CommandKind::Who);
  auto help = command("/help");
  EXPECT_EQ(help.kind, CommandKind::Help);
  EXPECT_TRUE(help.problem.empty());
  EXPECT_EQ(command("/").kind, CommandKind::Help);
}

TEST(RoomCommand, UnknownCommandGivesHelpNamingIt) {
  auto c = command("/dance now");
  EXPECT_EQ(c.kind, CommandKind::Help);
  EXPECT_EQ(c.problem, "unknown command /dance");
  auto long_one = command("/" + std::string(500, 'x') + "\x01");
  EXPECT_LE(long_one.problem.size(), 64u);  // the reply never echoes a huge word
  auto ctl = command("/a\x01\x02");
  EXPECT_EQ(ctl.problem, "unknown command /a??");
}

TEST(RoomCommand, HelpTextListsEveryCommand) {
  const std::string text = help_text("sip:~lobby@example.com", "unknown command /x");
  EXPECT_EQ(text.rfind("unknown command /x\n", 0), 0u);
  for (const char* word : {"/join", "/leave", "/who", "/help", "sip:~lobby@example.com", "//"}) {
    EXPECT_NE(text.find(word), std::string::npos) << word;
  }
  EXPECT_EQ(help_text("sip:~a@b").rfind("Commands for sip:~a@b", 0), 0u);
}

TEST(RoomCommand, WhoText) {
  EXPECT_EQ(who_text("lobby", {}), "0 in ~lobby");
  EXPECT_EQ(who_text("lobby", {"alice", "bob"}), "2 in ~lobby: alice, bob");
  EXPECT_EQ(who_text("lobby", {"a", "b", "c", "d"}, 2), "4 in ~lobby: a, b ... and 2 more");
}

}  // namespace
}  // namespace parley::chat
