// MessageRepository on SQLite: history, FTS5 search and the offline queue.
// Owned by SqliteStore. Thread: store.
#pragma once

#include "store/message_repository.hpp"
#include "store/sqlite/database.hpp"

namespace parley::store::sqlite {

class SqliteMessageRepository final : public MessageRepository {
 public:
  static constexpr std::size_t kMaxIdentityBytes = 256;

  explicit SqliteMessageRepository(Database& db) : db_(db) {}

  StoreResult<StoredMessage> append(const NewMessage& message,
                                    const std::vector<std::string>& offline) override;
  StoreResult<std::vector<StoreResult<StoredMessage>>> append_many(
      const std::vector<PendingAppend>& batch) override;
  StoreResult<StoredMessage> find(MessageId id) override;
  StoreResult<std::vector<std::pair<RoomId, MessageId>>> newest_per_room() override;
  StoreResult<std::vector<std::string>> queued_identities() override;
  StoreResult<HistoryPage> room_history(RoomId room, MessageId before, std::size_t limit) override;
  StoreResult<HistoryPage> private_history(UserId a, UserId b, MessageId before,
                                           std::size_t limit) override;
  StoreResult<std::vector<StoredMessage>> search(UserId reader, std::string_view text, RoomId room,
                                                 std::size_t limit) override;
  StoreResult<std::size_t> index_pending(std::size_t max_rows) override;
  StoreStatus mark_read(UserId user, RoomId room, MessageId up_to) override;
  StoreResult<std::vector<UnreadCount>> unread_counts(UserId user) override;
  StoreStatus enqueue(MessageId message, const std::vector<std::string>& identities) override;
  StoreResult<std::vector<StoredMessage>> pending(std::string_view identity,
                                                  std::size_t limit) override;
  StoreStatus mark_delivered(std::string_view identity,
                             const std::vector<MessageId>& messages) override;
  StoreStatus drop_identity(std::string_view identity) override;

 private:
  StoreResult<StoredMessage> insert(const NewMessage& message,
                                    const std::vector<std::string>& offline);
  StoreStatus enqueue_rows(MessageId message, const std::vector<std::string>& identities);
  StoreStatus trim_queue(const std::string& identity);
  StoreResult<HistoryPage> page(Statement& st, std::size_t limit);

  Database& db_;
};

}  // namespace parley::store::sqlite
