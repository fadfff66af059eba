// Records and errors shared by every store repository (users, SIP accounts,
// numbers, registrations). Plain values: copied freely between threads.
// Thread: any.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/strong_id.hpp"

namespace parley::store {

struct AccountIdTag {};
using AccountId = StrongId<AccountIdTag>;
struct NumberIdTag {};
using NumberId = StrongId<NumberIdTag>;

// Expected failures are values (DESIGN.md "Errors in three tiers"): a
// duplicate name is the caller's input problem, not an exception.
enum class StoreErrorCode {
  NotFound,   // no such user, account, number or registration
  Duplicate,  // a unique name, username or number is already taken
  Invalid,    // a value breaks a rule (name syntax, E.164 number)
  Failed,     // the database itself failed (I/O, corruption, busy)
};

struct StoreError {
  StoreErrorCode code = StoreErrorCode::Failed;
  std::string message;
};

template <typename T>
using StoreResult = Result<T, StoreError>;
using StoreStatus = Status<StoreError>;

// A public identity, sip:NAME@DOMAIN. The web password hash stays in the
// store; callers check passwords with UserRepository::verify_web_password.
struct User {
  UserId id;
  std::string name;  // lower-case, see is_valid_name()
  std::string display_name;
  bool has_web_password = false;
  std::int64_t created_at = 0;  // unix seconds
};

struct NewUser {
  std::string name;
  std::string display_name;
  std::string web_password_hash;  // from hash_web_password(); empty = no web login
};

// A SIP account (private identity): digest username plus HA1 per algorithm
// (RFC 8760), never the password.
struct SipAccount {
  AccountId id;
  UserId user_id;
  std::string username;
  std::string realm;
  std::string ha1_md5;
  std::string ha1_sha256;
};

struct NewSipAccount {
  std::string username;
  std::string realm;
  std::string ha1_md5;
  std::string ha1_sha256;
};

// What digest authentication needs for one REGISTER: the account and the
// public identity (user) it belongs to.
struct AccountCredentials {
  SipAccount account;
  std::string user_name;
};

// A telephone number (E.164, "+" then 3 to 15 digits) owned by a user.
struct Number {
  NumberId id;
  UserId user_id;
  std::string number;
};

// One binding of a SIP account to a contact (RFC 3261 10.3, RFC 5626 for
// instance_id/reg_id). Unique per (account_id, contact).
struct Registration {
  AccountId account_id;
  std::string contact;      // the Contact URI as received
  std::string instance_id;  // +sip.instance, empty if none
  std::uint32_t reg_id = 0;
  std::string transport;  // "udp", "tcp", "tls", "ws", "wss"
  std::string received_address;
  std::uint16_t received_port = 0;
  std::string path;  // Path header values (RFC 3327), comma-joined
  double q = 1.0;
  std::string call_id;
  std::uint32_t cseq = 0;
  std::int64_t expires_at = 0;  // unix seconds
  std::int64_t updated_at = 0;  // unix seconds
  std::string user_agent;
  friend bool operator==(const Registration&, const Registration&) = default;
};

// Everything the SIP core caches in memory at start-up so that it never waits
// on disk: users, their accounts and numbers.
struct Directory {
  std::vector<User> users;
  std::vector<SipAccount> accounts;
  std::vector<Number> numbers;
};

}  // namespace parley::store
