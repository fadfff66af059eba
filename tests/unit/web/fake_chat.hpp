// A fake ChatDelegate for web::Api tests: records every call as a line of
// text, answers with the values and error the test set, at once or (defer)
// when the test calls release(). Thread: the test's.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "web/chat_delegate.hpp"

namespace parley::web::test {

class FakeChat : public ChatDelegate {
 public:
  void list_rooms(const UserInfo& u, Done<std::vector<RoomView>> done) override {
    record("list_rooms:" + u.name);
    reply(std::move(done), [this] { return rooms; });
  }
  void create_room(const UserInfo& u, NewRoomRequest r, Done<RoomView> done) override {
    record("create_room:" + u.name + ":" + r.name + ":" + r.title + ":" + r.topic + ":" +
           r.visibility);
    reply(std::move(done), [this] { return room; });
  }
  void update_room(const UserInfo& u, std::string name, RoomChangeRequest c,
                   Done<RoomView> done) override {
    record("update_room:" + u.name + ":" + name + ":" + opt(c.title) + ":" + opt(c.topic) + ":" +
           opt(c.visibility));
    reply(std::move(done), [this] { return room; });
  }
  void delete_room(const UserInfo& u, std::string name, Done<NoContent> done) override {
    record("delete_room:" + u.name + ":" + name);
    reply(std::move(done), [] { return NoContent{}; });
  }
  void join_room(const UserInfo& u, std::string name, Done<RoomView> done) override {
    record("join_room:" + u.name + ":" + name);
    reply(std::move(done), [this] { return room; });
  }
  void leave_room(const UserInfo& u, std::string name, Done<RoomView> done) override {
    record("leave_room:" + u.name + ":" + name);
    reply(std::move(done), [this] { return room; });
  }
  void invite(const UserInfo& u, std::string name, std::string invitee,
              Done<NoContent> done) override {
    record("invite:" + u.name + ":" + name + ":" + invitee);
    reply(std::move(done), [] { return NoContent{}; });
  }
  void members(const UserInfo& u, std::string name,
               Done<std::vector<MemberView>> done) override {
    record("members:" + u.name + ":" + name);
    reply(std::move(done), [this] { return member_list; });
  }
  void room_history(const UserInfo& u, std::string name, HistoryRequest p,
                    Done<HistoryPageView> done) override {
    record("room_history:" + u.name + ":" + name + ":" + p.before + ":" + std::to_string(p.limit));
    reply(std::move(done), [this] { return page; });
  }
  void private_history(const UserInfo& u, std::string other, HistoryRequest p,
                       Done<HistoryPageView> done) override {
    record("private_history:" + u.name + ":" + other + ":" + p.before + ":" +
           std::to_string(p.limit));
    reply(std::move(done), [this] { return page; });
  }
  void mark_read(const UserInfo& u, std::string name, std::string last_id,
                 Done<NoContent> done) override {
    record("mark_read:" + u.name + ":" + name + ":" + last_id);
    reply(std::move(done), [] { return NoContent{}; });
  }
  void search(const UserInfo& u, std::string text, std::size_t limit,
              Done<std::vector<StoredMessageView>> done) override {
    record("search:" + u.name + ":" + text + ":" + std::to_string(limit));
    reply(std::move(done), [this] { return page.messages; });
  }
  void buddies(const UserInfo& u, Done<std::vector<MemberView>> done) override {
    record("buddies:" + u.name);
    reply(std::move(done), [this] { return member_list; });
  }
  void add_buddy(const UserInfo& u, std::string buddy, Done<NoContent> done) override {
    record("add_buddy:" + u.name + ":" + buddy);
    reply(std::move(done), [] { return NoContent{}; });
  }
  void remove_buddy(const UserInfo& u, std::string buddy, Done<NoContent> done) override {
    record("remove_buddy:" + u.name + ":" + buddy);
    reply(std::move(done), [] { return NoContent{}; });
  }
  void set_presence(WebSessionId s, const UserInfo& u, std::string status,
                    std::string note) override {
    record("set_presence:" + std::to_string(s.value()) + ":" + u.name + ":" + status + ":" + note);
  }

  // Answers every deferred call, oldest first.
  void release() {
    auto now = std::move(pending);
    pending.clear();
    for (auto& f : now) f();
  }

  std::vector<std::string> calls;
  bool defer = false;
  std::optional<ApiError> error;  // answered instead of the values when set
  std::vector<RoomView> rooms;
  RoomView room;
  std::vector<MemberView> member_list;
  HistoryPageView page;
  std::vector<std::function<void()>> pending;

 private:
  static std::string opt(const std::optional<std::string>& s) { return s ? *s : "-"; }
  void record(std::string line) { calls.push_back(std::move(line)); }

  // Computes the answer when it is sent, so a deferred call sees what the
  // test set in between.
  template <typename T, typename Make>
  void reply(Done<T> done, Make make) {
    auto send = [this, done = std::move(done), make] {
      if (error) {
        done(fail(*error));
      } else {
        done(ApiResult<T>(make()));
      }
    };
    if (defer) {
      pending.push_back(std::move(send));
    } else {
      send();
    }
  }
};

}  // namespace parley::web::test
