#include "presence/presence_state.hpp"

#include "base/strings.hpp"

namespace parley::presence {

std::string_view to_string(Status s) {
  switch (s) {
    case Status::Offline: return "offline";
    case Status::Available: return "available";
    case Status::Away: return "away";
    case Status::Busy: return "busy";
    case Status::OnThePhone: return "on-the-phone";
    case Status::Dnd: return "dnd";
  }
  return "offline";
}

std::optional<Status> status_from_string(std::string_view s) {
  for (auto st : {Status::Offline, Status::Available, Status::Away, Status::Busy,
                  Status::OnThePhone, Status::Dnd}) {
    if (to_string(st) == s) return st;
  }
  return std::nullopt;
}

std::optional<ManualStatus> manual_status_from_string(std::string_view s) {
  if (s == "available") return ManualStatus::Available;
  if (s == "away") return ManualStatus::Away;
  if (s == "busy") return ManualStatus::Busy;
  if (s == "dnd") return ManualStatus::Dnd;
  return std::nullopt;
}

Status to_status(ManualStatus m) {
  switch (m) {
    case ManualStatus::Available: return Status::Available;
    case ManualStatus::Away: return Status::Away;
    case ManualStatus::Busy: return Status::Busy;
    case ManualStatus::Dnd: return Status::Dnd;
  }
  return Status::Available;
}

std::string clamp_note(std::string_view note) {
  note = trim(note);
  if (note.size() > kMaxNoteBytes) {
    std::size_t end = kMaxNoteBytes;
    // Step back over continuation bytes (10xxxxxx) so the cut lands before a
    // lead byte and the result stays valid UTF-8 if the input was.
    while (end > 0 && (static_cast<unsigned char>(note[end]) & 0xC0) == 0x80) --end;
    // Trim again: a cut that ends in a space would not survive a PIDF round
    // trip (readers trim), found by fuzz_pidf.
    note = trim(note.substr(0, end));
  }
  return std::string(note);
}

}  // namespace parley::presence
