// Room and private messages (durable history, full-text search) and the
// offline delivery queue, in the store. Owned by a Store; called from the
// store thread only. Thread: store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/chat_types.hpp"

namespace parley::store {

class MessageRepository {
 public:
  // Pages and search results are capped here whatever the caller asks.
  static constexpr std::size_t kMaxPage = 200;
  static constexpr std::size_t kMaxBodyBytes = 65536;
  static constexpr std::uint64_t kMaxUnreadCount = 1000;  // shown as "999+" or the like
  // An identity's offline queue keeps its newest messages up to this many:
  // queueing more drops its oldest queued entries (the history keeps the
  // messages), so a device gone for good cannot grow the queue forever.
  static constexpr std::size_t kMaxQueuedPerIdentity = 1000;
  // Messages indexed for search per index_pending() call: one FTS5 segment
  // each, and a bound on how long one call keeps the store thread.
  static constexpr std::size_t kIndexBatch = 2000;

  virtual ~MessageRepository() = default;

  // Stores the message and queues it for every identity in `offline`, in one
  // transaction, so a message is acknowledged only once it and its queued
  // deliveries are on disk (each queue bounded by kMaxQueuedPerIdentity). Invalid for a message that is neither a room nor
  // a private one, has an empty or too big body; NotFound if its room,
  // recipient or sender does not exist.
  virtual StoreResult<StoredMessage> append(const NewMessage& message,
                                            const std::vector<std::string>& offline) = 0;
  // Group commit for the store thread: every message as by append(), each
  // on its own (one failing leaves the others), all made durable by one
  // commit. Fails as a whole only if that commit fails.
  virtual StoreResult<std::vector<StoreResult<StoredMessage>>> append_many(
      const std::vector<PendingAppend>& batch) = 0;
  virtual StoreResult<StoredMessage> find(MessageId id) = 0;
  // The newest message id of every room that has messages, ordered by room
  // id: the core's cache at start (what "up to date" means for a room).
  virtual StoreResult<std::vector<std::pair<RoomId, MessageId>>> newest_per_room() = 0;
  // Every identity with at least one queued message (read once at start, so
  // a REGISTER of an identity with nothing waiting costs no query).
  virtual StoreResult<std::vector<std::string>> queued_identities() = 0;

  // Up to `limit` messages of the room older than `before` (all when
  // `before` is invalid), returned oldest first.
  virtual StoreResult<HistoryPage> room_history(RoomId room, MessageId before,
                                                std::size_t limit) = 0;
  // The private conversation between two users, both directions.
  virtual StoreResult<HistoryPage> private_history(UserId a, UserId b, MessageId before,
                                                   std::size_t limit) = 0;
  // Adds up to `max_rows` stored messages that search does not know yet to
  // the full-text index, oldest first, in one transaction; returns how many
  // (0: the index is up to date). Storing a message does not index it (one
  // index segment per commit would cost more than the message); the caller
  // runs this in batches, and search() catches up first.
  virtual StoreResult<std::size_t> index_pending(std::size_t max_rows) = 0;
  // Newest first: messages matching every word of `text` (a word ending in
  // '*' matches as a prefix) that `reader` may read: rooms it is a member of
  // (only `room` if valid) and its own private messages. Any text is safe:
  // it never reaches FTS5 as syntax. Empty when the text has no words.
  virtual StoreResult<std::vector<StoredMessage>> search(UserId reader, std::string_view text,
                                                         RoomId room, std::size_t limit) = 0;

  // Moves the user's read marker in the room forward to `up_to` (never back).
  // NotFound unless the user is a member.
  virtual StoreStatus mark_read(UserId user, RoomId room, MessageId up_to) = 0;
  // Unread counts of every room the user is in, ordered by room id.
  virtual StoreResult<std::vector<UnreadCount>> unread_counts(UserId user) = 0;

  // Queues an already stored message for more identities (duplicates
  // ignored), each queue bounded by kMaxQueuedPerIdentity.
  virtual StoreStatus enqueue(MessageId message, const std::vector<std::string>& identities) = 0;
  // The identity's undelivered messages, oldest first (message id order).
  virtual StoreResult<std::vector<StoredMessage>> pending(std::string_view identity,
                                                          std::size_t limit) = 0;
  // Removes the messages from the identity's queue; ids not queued are ignored.
  virtual StoreStatus mark_delivered(std::string_view identity,
                                     const std::vector<MessageId>& messages) = 0;
  // Forgets the identity's queue (an account or login was removed).
  virtual StoreStatus drop_identity(std::string_view identity) = 0;
};

}  // namespace parley::store
