#include "presence/pidf.hpp"

#include <array>
#include <vector>

#include "base/strings.hpp"

namespace parley::presence {
namespace {

// RPID's namespace in the drafts before RFC 4480; older phones still send it.
constexpr std::string_view kOldRpidNs = "urn:ietf:params:xml:ns:pidf:status:rpid-status";

std::string_view activity_xml(Status s) {
  switch (s) {
    case Status::Away: return "<rpid:away/>";
    case Status::Busy: return "<rpid:busy/>";
    case Status::OnThePhone: return "<rpid:on-the-phone/>";
    case Status::Dnd: return "<rpid:busy/><rpid:other>do-not-disturb</rpid:other>";
    case Status::Offline:
    case Status::Available: return "";
  }
  return "";
}

// RFC 4480 §3.2 activities mapped onto Parley's statuses; unlisted ones
// (working, tv, unknown ...) say nothing about reachability.
std::optional<Status> activity_status(std::string_view local) {
  struct Entry {
    std::string_view name;
    Status status;
  };
  static constexpr std::array<Entry, 17> kTable{{
      {"away", Status::Away},           {"busy", Status::Busy},
      {"on-the-phone", Status::OnThePhone}, {"meeting", Status::Busy},
      {"appointment", Status::Busy},    {"presentation", Status::Busy},
      {"performance", Status::Busy},    {"breakfast", Status::Away},
      {"dinner", Status::Away},         {"meal", Status::Away},
      {"holiday", Status::Away},        {"vacation", Status::Away},
      {"sleeping", Status::Away},       {"travel", Status::Away},
      {"in-transit", Status::Away},     {"permanent-absence", Status::Away},
      {"steering", Status::Busy},
  }};
  for (const auto& e : kTable) {
    if (e.name == local) return e.status;
  }
  return std::nullopt;
}

bool is_dnd_text(std::string_view text) {
  text = trim(text);
  return iequals(text, kDndOther) || iequals(text, "dnd") || iequals(text, "do not disturb");
}

bool is_rpid(std::string_view ns) { return ns == kRpidNs || ns == kOldRpidNs; }

enum class Elem { Presence, Tuple, Status, Basic, Note, Activities, Other, Ignored };

Elem classify(const XmlEvent& ev, Elem parent) {
  if (ev.ns == kPidfNs) {
    if (ev.local == "tuple" && parent == Elem::Presence) return Elem::Tuple;
    if (ev.local == "status" && parent == Elem::Tuple) return Elem::Status;
    if (ev.local == "basic" && parent == Elem::Status) return Elem::Basic;
    if (ev.local == "note") return Elem::Note;
  }
  if (ev.ns == kDataModelNs && ev.local == "note") return Elem::Note;
  if (is_rpid(ev.ns)) {
    if (ev.local == "activities") return Elem::Activities;
    if (ev.local == "other" && parent == Elem::Activities) return Elem::Other;
  }
  return Elem::Ignored;
}

// Walks the events once, keeping only a stack of element kinds (bounded by
// the reader's depth limit) and the text of the element being read.
class Decoder {
 public:
  explicit Decoder(const XmlLimits& limits) : limits_(limits) {}

  Result<PidfDocument, PidfError> run(std::string_view body) {
    XmlReader reader(body, limits_);
    for (;;) {
      auto ev = reader.next();
      if (!ev) return fail(PidfError{ev.error()});
      switch (ev->kind) {
        case XmlEvent::Kind::StartElement:
          if (auto err = start(*ev)) return fail(PidfError{*err});
          break;
        case XmlEvent::Kind::Text:
          if (text_.size() + ev->text.size() > limits_.max_text) return fail(PidfError{"text too long"});
          text_ += ev->text;
          break;
        case XmlEvent::Kind::EndElement:
          end();
          break;
        case XmlEvent::Kind::EndOfDocument:
          doc_.basic = any_open_ ? Basic::Open : any_closed_ ? Basic::Closed : Basic::Unknown;
          return std::move(doc_);
      }
    }
  }

 private:
  std::optional<std::string> start(const XmlEvent& ev) {
    if (stack_.empty()) {
      if (ev.ns != kPidfNs || ev.local != "presence") return "not a PIDF presence document";
      for (const auto& a : ev.attributes) {
        if (a.ns.empty() && a.local == "entity") doc_.entity = a.value;
      }
      stack_.push_back(Elem::Presence);
      return std::nullopt;
    }
    Elem parent = stack_.back();
    Elem kind = classify(ev, parent);
    if (parent == Elem::Activities && is_rpid(ev.ns) && kind != Elem::Other) {
      if (auto s = activity_status(ev.local)) consider(*s);
    }
    stack_.push_back(kind);
    text_.clear();
    return std::nullopt;
  }

  void end() {
    Elem kind = stack_.back();
    stack_.pop_back();
    std::string_view t = trim(text_);
    if (kind == Elem::Basic) {
      // RFC 3863 knows only open and closed; anything else (baresip's
      // "unknown" on start-up) must not count as a present device.
      if (t == "open") {
        any_open_ = true;
      } else {
        any_closed_ = true;
      }
    } else if (kind == Elem::Note && doc_.note.empty()) {
      doc_.note = clamp_note(t);
    } else if (kind == Elem::Other && is_dnd_text(t)) {
      consider(Status::Dnd);
    }
    text_.clear();
  }

  void consider(Status s) {
    if (!doc_.activity || *doc_.activity < s) doc_.activity = s;
  }

  XmlLimits limits_;
  PidfDocument doc_;
  std::vector<Elem> stack_;
  std::string text_;
  bool any_open_ = false;
  bool any_closed_ = false;
};

}  // namespace

std::string encode_pidf(std::string_view entity, const PresenceState& state) {
  bool open = state.status != Status::Offline;
  std::string note = state.note;
  if (state.status == Status::Dnd && note.empty()) note = kDndNote;
  std::string out;
  out.reserve(512 + note.size() * 2);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"";
  out += " xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\"";
  out += " xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\"";
  out += " entity=\"" + xml_escape(entity) + "\">\n";
  out += "<tuple id=\"t1\"><status><basic>";
  out += open ? "open" : "closed";
  out += "</basic></status>";
  if (!note.empty()) out += "<note>" + xml_escape(note) + "</note>";
  out += "</tuple>\n";
  std::string_view activities = activity_xml(state.status);
  if (!activities.empty() || !note.empty()) {
    out += "<dm:person id=\"p1\">";
    if (!activities.empty()) {
      out += "<rpid:activities>";
      out += activities;
      out += "</rpid:activities>";
    }
    if (!note.empty()) out += "<dm:note>" + xml_escape(note) + "</dm:note>";
    out += "</dm:person>\n";
  }
  out += "</presence>\n";
  return out;
}

Result<PidfDocument, PidfError> decode_pidf(std::string_view body, const XmlLimits& limits) {
  return Decoder(limits).run(body);
}

PresenceState device_state(const PidfDocument& doc) {
  PresenceState s;
  s.note = doc.note;
  if (doc.basic == Basic::Closed) {
    s.status = Status::Offline;
    return s;
  }
  s.status = doc.activity.value_or(Status::Available);
  if (s.status == Status::Dnd && s.note == kDndNote) s.note.clear();
  return s;
}

}  // namespace parley::presence
