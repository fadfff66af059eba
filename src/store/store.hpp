// The storage facade (DESIGN.md "Storage behind one interface"): one object
// per database, owning the repositories. Created at start-up by app/ and then
// used from a single store thread (the calls block on disk; the SIP core posts
// work there and keeps its own in-memory cache from load_directory()).
// Thread: store (one thread at a time).
#pragma once

#include <functional>
#include <stdexcept>

#include "store/buddy_repository.hpp"
#include "store/message_repository.hpp"
#include "store/number_repository.hpp"
#include "store/registration_repository.hpp"
#include "store/room_repository.hpp"
#include "store/sip_account_repository.hpp"
#include "store/types.hpp"
#include "store/user_repository.hpp"

namespace parley::store {

// Thrown at start-up only: the database cannot be opened, is not a database,
// is corrupt, or has a schema newer than this program.
class StoreOpenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual UserRepository& users() = 0;
  virtual SipAccountRepository& accounts() = 0;
  virtual NumberRepository& numbers() = 0;
  virtual RegistrationRepository& registrations() = 0;
  virtual RoomRepository& rooms() = 0;
  virtual MessageRepository& messages() = 0;
  virtual BuddyRepository& buddies() = 0;

  // All users, accounts and numbers in one consistent read.
  virtual StoreResult<Directory> load_directory() = 0;

  // Runs `body` in one transaction: committed if it returns ok, rolled back
  // if it fails (or throws). Nests (inner calls become savepoints).
  virtual StoreStatus transaction(const std::function<StoreStatus()>& body) = 0;

  // The schema version the database is at after migrations.
  virtual int schema_version() = 0;

  // A number that changes whenever another connection (the command line,
  // another process) commits to the database; polled by the server to
  // refresh its in-memory directory (SQLite: PRAGMA data_version).
  virtual std::int64_t data_version() = 0;
};

}  // namespace parley::store
