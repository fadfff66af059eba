// StrongId<Tag>: an integer id that cannot be mixed up with another kind of id
// (DESIGN.md convention 5: cross-component references are ids). Thread: any.
#pragma once

#include <cstdint>
#include <functional>

namespace parley {

template <typename Tag>
class StrongId {
 public:
  constexpr StrongId() = default;
  constexpr explicit StrongId(std::uint64_t v) : v_(v) {}
  constexpr std::uint64_t value() const { return v_; }
  constexpr bool valid() const { return v_ != 0; }
  friend constexpr bool operator==(StrongId a, StrongId b) = default;
  friend constexpr auto operator<=>(StrongId a, StrongId b) = default;

 private:
  std::uint64_t v_ = 0;
};

struct UserIdTag {};
using UserId = StrongId<UserIdTag>;

}  // namespace parley

template <typename Tag>
struct std::hash<parley::StrongId<Tag>> {
  std::size_t operator()(parley::StrongId<Tag> id) const noexcept {
    return std::hash<std::uint64_t>{}(id.value());
  }
};
