// Result<T, E>: a value or an expected failure (DESIGN.md "Errors in three
// tiers"). Untrusted input never throws; it returns one of these. Thread: any.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace parley {

// Wraps the error alternative so Result<std::string, std::string> stays unambiguous.
template <typename E>
struct Failure {
  E error;
};

template <typename E>
Failure<std::decay_t<E>> fail(E&& e) {
  return Failure<std::decay_t<E>>{std::forward<E>(e)};
}

template <typename T, typename E = std::string>
class Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  template <typename E2>
  Result(Failure<E2> f) : v_(std::in_place_index<1>, E(std::move(f.error))) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

// Result of an operation with no value on success.
struct Ok {};
template <typename E = std::string>
using Status = Result<Ok, E>;

}  // namespace parley
