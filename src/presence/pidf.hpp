// PIDF (RFC 3863) with RPID activities (RFC 4480) in the RFC 4479 data
// model: the presence document Parley sends in NOTIFY and reads from PUBLISH.
// Pure functions over strings; decoding is bounded and never throws.
// Thread: any.
//
// Encoding (what phones show): one <tuple> with <basic>open</basic> or
// closed and the note, and a <dm:person> with <rpid:activities>:
//   away → <rpid:away/>, busy → <rpid:busy/>, on-the-phone → <rpid:on-the-phone/>,
//   dnd  → <rpid:busy/><rpid:other>do-not-disturb</rpid:other>, note
//          "Do not disturb" when the user gave none.
// RPID has no do-not-disturb activity. Phones that match literal activities
// (baresip looks for "<rpid:busy/>" in the text, so the prefix and spelling
// are fixed here) show DND as busy, the note says why, and a reader that
// knows <rpid:other> (Parley itself) gets DND back exactly.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "presence/presence_state.hpp"
#include "presence/xml_reader.hpp"

namespace parley::presence {

inline constexpr std::string_view kPidfContentType = "application/pidf+xml";
inline constexpr std::string_view kPidfNs = "urn:ietf:params:xml:ns:pidf";
inline constexpr std::string_view kDataModelNs = "urn:ietf:params:xml:ns:pidf:data-model";
inline constexpr std::string_view kRpidNs = "urn:ietf:params:xml:ns:pidf:rpid";
inline constexpr std::string_view kDndOther = "do-not-disturb";
inline constexpr std::string_view kDndNote = "Do not disturb";

enum class Basic { Unknown, Open, Closed };

// What a PIDF body says, reduced to what Parley uses.
struct PidfDocument {
  std::string entity;               // presence@entity, e.g. "sip:alice@example.com"
  Basic basic = Basic::Unknown;     // Open if any tuple is open, else Closed if any is closed
  std::optional<Status> activity;   // the strongest recognised RPID activity
  std::string note;                 // first non-empty note (pidf or data-model), clamped
};

struct PidfError {
  std::string reason;
};

// `entity` is written as given (escaped). Offline encodes as basic closed
// with no activities.
std::string encode_pidf(std::string_view entity, const PresenceState& state);

Result<PidfDocument, PidfError> decode_pidf(std::string_view body, const XmlLimits& limits = {});

// The state a device asks for with this document: closed is Offline (the
// device takes no part), open or no basic with no activity is Available.
PresenceState device_state(const PidfDocument& doc);

}  // namespace parley::presence
