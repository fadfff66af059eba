#include "store/sqlite/sqlite_message_repository.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include "store/sqlite/fts_query.hpp"

namespace parley::store::sqlite {

namespace {

// Columns every read returns, in read_message() order; `m` is messages.
constexpr std::string_view kColumns =
    "m.id, m.room_id, m.recipient_id, m.sender_id, m.sender_uri, "
    "coalesce(u.name, ''), m.body, m.content_type, m.created_at ";
constexpr std::string_view kFrom = "FROM messages m LEFT JOIN users u ON u.id = m.sender_id ";

std::uint64_t id_or_zero(const Statement& st, int column) {
  return st.is_null(column) ? 0 : static_cast<std::uint64_t>(st.int64(column));
}

StoredMessage read_message(const Statement& st) {
  StoredMessage m;
  m.id = MessageId(id_or_zero(st, 0));
  m.room = RoomId(id_or_zero(st, 1));
  m.recipient = UserId(id_or_zero(st, 2));
  m.sender = UserId(id_or_zero(st, 3));
  m.sender_uri = st.text(4);
  m.sender_name = st.text(5);
  m.body = st.text(6);
  m.content_type = st.text(7);
  m.created_at = st.int64(8);
  return m;
}

std::size_t clamp_limit(std::size_t limit) { return std::min(limit, MessageRepository::kMaxPage); }

// "Before nothing" means from the newest message on.
std::int64_t before_bound(MessageId before) {
  return before.valid() ? static_cast<std::int64_t>(before.value())
                        : std::numeric_limits<std::int64_t>::max();
}

StoreError invalid(std::string message) { return {StoreErrorCode::Invalid, std::move(message)}; }

std::optional<StoreError> check_new(const NewMessage& m) {
  if (m.room.valid() == m.recipient.valid()) {
    return invalid("a message goes to a room or to a user, exactly one of them");
  }
  if (!m.sender.valid() && m.sender_uri.empty()) return invalid("a message needs a sender");
  if (m.body.empty()) return invalid("empty message");
  if (m.body.size() > MessageRepository::kMaxBodyBytes) {
    return invalid("message is longer than " + std::to_string(MessageRepository::kMaxBodyBytes) +
                   " bytes");
  }
  return std::nullopt;
}

}  // namespace

StoreResult<StoredMessage> SqliteMessageRepository::append(
    const NewMessage& message, const std::vector<std::string>& offline) {
  if (auto e = check_new(message)) return fail(std::move(*e));
  std::optional<StoreResult<StoredMessage>> result;
  auto status = db_.transaction([&]() -> StoreStatus {
    result.emplace(insert(message, offline));
    if (!result->ok()) return fail(result->error());
    return Ok{};
  });
  if (!status.ok()) return fail(status.error());
  return *result;
}

StoreResult<std::vector<StoreResult<StoredMessage>>> SqliteMessageRepository::append_many(
    const std::vector<PendingAppend>& batch) {
  std::vector<StoreResult<StoredMessage>> results;
  results.reserve(batch.size());
  auto status = db_.transaction([&]() -> StoreStatus {
    for (const auto& item : batch) {
      // Each message in a savepoint of its own: a failure undoes only it.
      results.push_back(append(item.message, item.offline));
    }
    return Ok{};
  });
  if (!status.ok()) return fail(status.error());
  return results;
}

StoreResult<StoredMessage> SqliteMessageRepository::insert(
    const NewMessage& message, const std::vector<std::string>& offline) {
  auto st = db_.prepare(
      "INSERT INTO messages (room_id, recipient_id, sender_id, sender_uri, body, content_type, "
      "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (message.room.valid())
    st.bind_int(1, sql_id(message.room));
  else
    st.bind_null(1);
  if (message.recipient.valid())
    st.bind_int(2, sql_id(message.recipient));
  else
    st.bind_null(2);
  if (message.sender.valid())
    st.bind_int(3, sql_id(message.sender));
  else
    st.bind_null(3);
  st.bind_text(4, message.sender_uri).bind_text(5, message.body);
  st.bind_text(6, message.content_type).bind_int(7, message.created_at);
  if (int rc = st.step(); rc != SQLITE_DONE) {
    auto e = db_.error(rc, "store message");
    if (e.code == StoreErrorCode::NotFound)
      e.message = "the message's room, recipient or sender does not exist";
    return fail(std::move(e));
  }
  const MessageId id(static_cast<std::uint64_t>(db_.last_insert_id()));
  if (auto s = enqueue_rows(id, offline); !s.ok()) return fail(s.error());
  return find(id);
}

StoreResult<StoredMessage> SqliteMessageRepository::find(MessageId id) {
  auto st = db_.prepare("SELECT " + std::string(kColumns) + std::string(kFrom) + "WHERE m.id = ?1");
  st.bind_int(1, sql_id(id));
  const int rc = st.step();
  if (rc == SQLITE_ROW) return read_message(st);
  if (rc == SQLITE_DONE) {
    return fail(
        StoreError{StoreErrorCode::NotFound, "no message id " + std::to_string(id.value())});
  }
  return fail(db_.error(rc, "find message"));
}

StoreResult<std::vector<std::pair<RoomId, MessageId>>>
SqliteMessageRepository::newest_per_room() {
  // One max() per room through messages_by_room (room_id, id): a key lookup
  // each, where GROUP BY over messages would read the whole history.
  auto st = db_.prepare(
      "SELECT r.id, (SELECT max(m.id) FROM messages m WHERE m.room_id = r.id) FROM rooms r "
      "ORDER BY r.id");
  auto rows = db_.rows(st, "newest messages", [&] {
    return std::make_pair(RoomId(id_or_zero(st, 0)), MessageId(id_or_zero(st, 1)));
  });
  // A room without messages has max() NULL, read as an invalid id.
  if (rows.ok()) std::erase_if(*rows, [](const auto& row) { return !row.second.valid(); });
  return rows;
}

StoreResult<std::vector<std::string>> SqliteMessageRepository::queued_identities() {
  auto st = db_.prepare("SELECT identity FROM offline_queue_sizes WHERE queued > 0 ORDER BY identity");
  return db_.rows(st, "queued identities", [&] { return st.text(0); });
}

// Reads up to limit + 1 rows newest first: the extra row only says "more".
StoreResult<HistoryPage> SqliteMessageRepository::page(Statement& st, std::size_t limit) {
  HistoryPage out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    if (out.messages.size() == limit) {
      out.more = true;
      break;
    }
    out.messages.push_back(read_message(st));
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail(db_.error(rc, "read history"));
  std::reverse(out.messages.begin(), out.messages.end());
  return out;
}

StoreResult<HistoryPage> SqliteMessageRepository::room_history(RoomId room, MessageId before,
                                                               std::size_t limit) {
  limit = clamp_limit(limit);
  auto st = db_.prepare("SELECT " + std::string(kColumns) + std::string(kFrom) +
                        "WHERE m.room_id = ?1 AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3");
  st.bind_int(1, sql_id(room)).bind_int(2, before_bound(before));
  st.bind_int(3, static_cast<std::int64_t>(limit) + 1);
  return page(st, limit);
}

StoreResult<HistoryPage> SqliteMessageRepository::private_history(UserId a, UserId b,
                                                                  MessageId before,
                                                                  std::size_t limit) {
  limit = clamp_limit(limit);
  auto st = db_.prepare("SELECT " + std::string(kColumns) + std::string(kFrom) +
                        "WHERE m.id < ?3 AND ((m.sender_id = ?1 AND m.recipient_id = ?2) OR "
                        "(m.sender_id = ?2 AND m.recipient_id = ?1)) ORDER BY m.id DESC LIMIT ?4");
  st.bind_int(1, sql_id(a)).bind_int(2, sql_id(b)).bind_int(3, before_bound(before));
  st.bind_int(4, static_cast<std::int64_t>(limit) + 1);
  return page(st, limit);
}

StoreResult<std::size_t> SqliteMessageRepository::index_pending(std::size_t max_rows) {
  std::size_t indexed = 0;
  auto status = db_.transaction([&]() -> StoreStatus {
    std::int64_t upto = 0;
    {
      auto st = db_.prepare("SELECT indexed_upto FROM fts_progress WHERE id = 1");
      if (int rc = st.step(); rc != SQLITE_ROW) return fail(db_.error(rc, "read index progress"));
      upto = st.int64(0);
    }
    std::int64_t newest = upto;
    {
      auto st = db_.prepare(
          "SELECT count(*), coalesce(max(id), ?1) FROM "
          "(SELECT id FROM messages WHERE id > ?1 ORDER BY id LIMIT ?2)");
      st.bind_int(1, upto).bind_int(2, static_cast<std::int64_t>(max_rows));
      if (int rc = st.step(); rc != SQLITE_ROW) return fail(db_.error(rc, "find unindexed"));
      indexed = static_cast<std::size_t>(st.int64(0));
      newest = st.int64(1);
    }
    if (indexed == 0) return Ok{};
    {
      auto st = db_.prepare(
          "INSERT INTO messages_fts(rowid, body) SELECT id, body FROM messages "
          "WHERE id > ?1 AND id <= ?2 ORDER BY id");
      st.bind_int(1, upto).bind_int(2, newest);
      if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "index messages"));
    }
    auto st = db_.prepare("UPDATE fts_progress SET indexed_upto = ?1 WHERE id = 1");
    st.bind_int(1, newest);
    if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "save index progress"));
    return Ok{};
  });
  if (!status.ok()) return fail(status.error());
  return indexed;
}

StoreResult<std::vector<StoredMessage>> SqliteMessageRepository::search(UserId reader,
                                                                        std::string_view text,
                                                                        RoomId room,
                                                                        std::size_t limit) {
  const std::string query = fts5_query(text);
  if (query.empty()) return std::vector<StoredMessage>{};
  // A search sees every stored message: what the batches have not indexed
  // yet is indexed now (at most the messages of the last few moments).
  for (;;) {
    auto n = index_pending(kIndexBatch);
    if (!n) return fail(n.error());
    if (*n < kIndexBatch) break;
  }
  // The query is bound, never spliced; fts5_query() makes it words only.
  auto st = db_.prepare(
      "SELECT " + std::string(kColumns) + std::string(kFrom) +
      "WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1) AND ("
      "  (m.room_id IN (SELECT room_id FROM room_members WHERE user_id = ?2)"
      "   AND (?3 = 0 OR m.room_id = ?3))"
      "  OR (?3 = 0 AND m.room_id IS NULL AND (m.sender_id = ?2 OR m.recipient_id = ?2)))"
      " ORDER BY m.id DESC LIMIT ?4");
  st.bind_text(1, query).bind_int(2, sql_id(reader)).bind_int(3, sql_id(room));
  st.bind_int(4, static_cast<std::int64_t>(clamp_limit(limit)));
  return db_.rows(st, "search messages", [&] { return read_message(st); });
}

StoreStatus SqliteMessageRepository::mark_read(UserId user, RoomId room, MessageId up_to) {
  auto st = db_.prepare(
      "UPDATE room_reads SET last_read = max(last_read, ?3) WHERE room_id = ?1 AND user_id = ?2 "
      "AND EXISTS (SELECT 1 FROM room_members WHERE room_id = ?1 AND user_id = ?2)");
  st.bind_int(1, sql_id(room)).bind_int(2, sql_id(user)).bind_int(3, sql_id(up_to));
  if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "mark read"));
  if (db_.changes() == 0) {
    return fail(StoreError{StoreErrorCode::NotFound, "not a member of the room"});
  }
  return Ok{};
}

StoreResult<std::vector<UnreadCount>> SqliteMessageRepository::unread_counts(UserId user) {
  // Counting stops at kMaxUnreadCount per room, so a member who never reads a
  // busy room does not make every page load scan its whole history.
  auto st = db_.prepare(
      "SELECT rm.room_id, coalesce(r.last_read, 0), "
      "  (SELECT count(*) FROM (SELECT 1 FROM messages m WHERE m.room_id = rm.room_id "
      "     AND m.id > coalesce(r.last_read, 0) AND m.sender_id IS NOT ?1 LIMIT ?2)) "
      "FROM room_members rm LEFT JOIN room_reads r ON r.room_id = rm.room_id AND r.user_id = ?1 "
      "WHERE rm.user_id = ?1 ORDER BY rm.room_id");
  st.bind_int(1, sql_id(user)).bind_int(2, static_cast<std::int64_t>(kMaxUnreadCount));
  return db_.rows(st, "count unread", [&] {
    return UnreadCount{RoomId(id_or_zero(st, 0)), MessageId(id_or_zero(st, 1)),
                       static_cast<std::uint64_t>(st.int64(2))};
  });
}

StoreStatus SqliteMessageRepository::enqueue_rows(MessageId message,
                                                  const std::vector<std::string>& identities) {
  for (const auto& identity : identities) {
    if (identity.empty() || identity.size() > kMaxIdentityBytes) {
      return fail(
          invalid("identity key must be 1 to " + std::to_string(kMaxIdentityBytes) + " bytes"));
    }
    // One scoped statement per row: leaving the scope resets it for the next.
    auto st =
        db_.prepare("INSERT OR IGNORE INTO offline_queue (identity, message_id) VALUES (?1, ?2)");
    st.bind_text(1, identity).bind_int(2, sql_id(message));
    if (int rc = st.step(); rc != SQLITE_DONE) {
      auto e = db_.error(rc, "queue message");
      if (e.code == StoreErrorCode::NotFound)
        e.message = "no message id " + std::to_string(message.value());
      return fail(std::move(e));
    }
    if (auto s = trim_queue(identity); !s.ok()) return s;
  }
  return Ok{};
}

// The queue's length comes from offline_queue_sizes (kept by triggers), so a
// queue under the bound costs one key lookup; a full one loses its oldest
// entries through the (identity, message_id) index.
StoreStatus SqliteMessageRepository::trim_queue(const std::string& identity) {
  std::int64_t excess = 0;
  {
    auto st = db_.prepare("SELECT queued - ?2 FROM offline_queue_sizes WHERE identity = ?1");
    st.bind_text(1, identity).bind_int(2, static_cast<std::int64_t>(kMaxQueuedPerIdentity));
    const int rc = st.step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail(db_.error(rc, "queue length"));
    if (rc == SQLITE_ROW) excess = st.int64(0);
  }
  if (excess <= 0) return Ok{};
  auto drop = db_.prepare(
      "DELETE FROM offline_queue WHERE identity = ?1 AND message_id IN (SELECT message_id FROM "
      "offline_queue WHERE identity = ?1 ORDER BY message_id LIMIT ?2)");
  drop.bind_text(1, identity).bind_int(2, excess);
  if (int rc = drop.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "bound queue"));
  return Ok{};
}

StoreStatus SqliteMessageRepository::enqueue(MessageId message,
                                             const std::vector<std::string>& identities) {
  return db_.transaction([&] { return enqueue_rows(message, identities); });
}

StoreResult<std::vector<StoredMessage>> SqliteMessageRepository::pending(std::string_view identity,
                                                                         std::size_t limit) {
  auto st = db_.prepare("SELECT " + std::string(kColumns) + std::string(kFrom) +
                        "JOIN offline_queue q ON q.message_id = m.id WHERE q.identity = ?1 "
                        "ORDER BY q.message_id LIMIT ?2");
  st.bind_text(1, identity).bind_int(2, static_cast<std::int64_t>(clamp_limit(limit)));
  return db_.rows(st, "read offline queue", [&] { return read_message(st); });
}

StoreStatus SqliteMessageRepository::mark_delivered(std::string_view identity,
                                                    const std::vector<MessageId>& messages) {
  return db_.transaction([&]() -> StoreStatus {
    for (MessageId id : messages) {
      auto st = db_.prepare("DELETE FROM offline_queue WHERE identity = ?1 AND message_id = ?2");
      st.bind_text(1, identity).bind_int(2, sql_id(id));
      if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "mark delivered"));
    }
    return Ok{};
  });
}

StoreStatus SqliteMessageRepository::drop_identity(std::string_view identity) {
  auto st = db_.prepare("DELETE FROM offline_queue WHERE identity = ?1");
  st.bind_text(1, identity);
  if (int rc = st.step(); rc != SQLITE_DONE) return fail(db_.error(rc, "drop identity queue"));
  return Ok{};
}

}  // namespace parley::store::sqlite
