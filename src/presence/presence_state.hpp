// What a user's presence is, as the rest of Parley sees it: one of six
// statuses plus a free-text note. Plain value types shared by the PIDF codec,
// the aggregator and the SUBSCRIBE/PUBLISH tables. Thread: any.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::presence {

// Ordered from "reach me" to "leave me alone" after Offline: the aggregator's
// precedence between device states uses this order (higher wins).
enum class Status : std::uint8_t { Offline, Available, Away, Busy, OnThePhone, Dnd };

// What the user can pick in the browser (Offline and OnThePhone are automatic).
enum class ManualStatus : std::uint8_t { Available, Away, Busy, Dnd };

struct PresenceState {
  Status status = Status::Offline;
  std::string note;

  bool operator==(const PresenceState&) const = default;
};

// "offline", "available", "away", "busy", "on-the-phone", "dnd": the names the
// browser API uses.
std::string_view to_string(Status s);
std::optional<Status> status_from_string(std::string_view s);
std::optional<ManualStatus> manual_status_from_string(std::string_view s);
Status to_status(ManualStatus m);

// Notes come from browsers and phones: they are trimmed of surrounding
// whitespace and cut to this many bytes, never inside a UTF-8 sequence, so
// one user cannot make every NOTIFY huge.
inline constexpr std::size_t kMaxNoteBytes = 256;
std::string clamp_note(std::string_view note);

}  // namespace parley::presence
