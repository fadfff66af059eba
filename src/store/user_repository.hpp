// Users (public identities sip:NAME@DOMAIN) in the store. Owned by a Store;
// called from the store thread only (it blocks on disk). Thread: store.
#pragma once

#include <string_view>
#include <vector>

#include "store/types.hpp"

namespace parley::store {

class UserRepository {
 public:
  virtual ~UserRepository() = default;

  // Duplicate if the name (case-insensitive) is taken by a user or by another
  // user's SIP account (both would be sip:NAME@DOMAIN); Invalid if the name
  // breaks is_valid_name().
  virtual StoreResult<UserId> add(const NewUser& user) = 0;
  // Empty hash = web login disabled. NotFound if no such user.
  virtual StoreStatus set_web_password_hash(std::string_view name, std::string_view hash) = 0;
  virtual StoreStatus set_display_name(std::string_view name, std::string_view display_name) = 0;
  // Removes the user with its accounts, numbers and registrations (cascade).
  virtual StoreStatus remove(std::string_view name) = 0;

  virtual StoreResult<User> find(std::string_view name) = 0;
  virtual StoreResult<User> find(UserId id) = 0;
  virtual StoreResult<std::vector<User>> list() = 0;  // ordered by name

  // False for a wrong password, an unknown user or a user without web
  // password; an unknown user costs the same time as a known one, so timing
  // does not reveal which names exist. Slow (Argon2id).
  virtual StoreResult<bool> verify_web_password(std::string_view name,
                                                std::string_view password) = 0;
  // The user's name and Argon2id web password hash, for a check off the
  // store thread (store::check_web_password). Empty hash for an unknown user
  // or one without web password; fast.
  struct Login {
    std::string name;
    std::string display_name;
    std::string hash;
  };
  virtual StoreResult<Login> find_login(std::string_view name) = 0;
};

}  // namespace parley::store
