// Shared fixture for the chat store tests: a temporary SQLite file, users
// and rooms made in one line. Thread: test.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/sqlite/sqlite_store.hpp"

namespace parley::store::testing {

class ChatStoreTest : public ::testing::Test {
 protected:
  ChatStoreTest() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "parley-chat-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    store_ = open();
  }
  ~ChatStoreTest() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Store> open() { return sqlite::open_sqlite_store(dir_ / "parley.db"); }
  void reopen() {
    store_.reset();
    store_ = open();
  }

  UserId user(const std::string& name) {
    auto id = store_->users().add(NewUser{name, "", ""});
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
    return id.ok() ? *id : UserId();
  }

  RoomId room(const std::string& name, UserId owner,
              RoomVisibility visibility = RoomVisibility::Public) {
    auto id = store_->rooms().add(NewRoom{name, "", "", owner, visibility}, ++now_);
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
    return id.ok() ? *id : RoomId();
  }

  StoredMessage post(RoomId r, UserId sender, const std::string& body,
                     const std::vector<std::string>& offline = {}) {
    NewMessage m;
    m.room = r;
    m.sender = sender;
    m.body = body;
    m.created_at = ++now_;
    auto stored = store_->messages().append(m, offline);
    EXPECT_TRUE(stored.ok()) << (stored.ok() ? "" : stored.error().message);
    return stored.ok() ? *stored : StoredMessage{};
  }

  StoredMessage say(UserId from, UserId to, const std::string& body) {
    NewMessage m;
    m.recipient = to;
    m.sender = from;
    m.body = body;
    m.created_at = ++now_;
    auto stored = store_->messages().append(m, {});
    EXPECT_TRUE(stored.ok()) << (stored.ok() ? "" : stored.error().message);
    return stored.ok() ? *stored : StoredMessage{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::int64_t now_ = 1796000000000;
};

}  // namespace parley::store::testing
