#include "app/lib/user_import.hpp"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <unordered_map>

#include "base/strings.hpp"
#include "sip/auth/digest_hash.hpp"
#include "store/password.hpp"
#include "store/validation.hpp"

namespace parley::app {

namespace {

using sip::auth::Algorithm;
using sip::auth::compute_ha1;

constexpr std::size_t kMaxLine = 4096;

struct Row {
  std::size_t line = 0;
  std::string name;
  std::string web_password;
  std::string web_hash;
  std::string sip_username;
  std::string sip_password;
  bool first_of_user = true;
};


Result<Row, std::string> parse_row(std::size_t line_no, std::string_view line) {
  auto where = [&](const std::string& why) { return "line " + std::to_string(line_no) + ": " + why; };
  if (line.size() > kMaxLine) return fail(where("longer than 4096 characters"));
  auto fields = split_csv_line(line);
  if (!fields) return fail(where("unbalanced quote"));
  if (fields->size() > 4) {
    return fail(where("expected name,web_password,sip_username,sip_password (4 fields), got " +
                      std::to_string(fields->size())));
  }
  fields->resize(4);
  Row row;
  row.line = line_no;
  row.name = to_lower(trim((*fields)[0]));
  row.web_password = (*fields)[1];
  row.sip_username = to_lower(trim((*fields)[2]));
  row.sip_password = (*fields)[3];
  if (!store::is_valid_name(row.name)) {
    return fail(where("user name " + in_quotes(row.name) + " must match " +
                      std::string(store::kNameRule)));
  }
  if (!row.sip_username.empty() && !store::is_valid_name(row.sip_username)) {
    return fail(where("SIP username " + in_quotes(row.sip_username) + " must match " +
                      std::string(store::kNameRule)));
  }
  if (row.sip_username.empty() != row.sip_password.empty()) {
    return fail(where("sip_username and sip_password go together"));
  }
  return row;
}

Result<std::vector<Row>, std::string> parse_rows(std::istream& csv) {
  std::vector<Row> rows;
  std::unordered_map<std::string, std::size_t> first_line;  // user name -> line
  std::string line;
  for (std::size_t line_no = 1; std::getline(csv, line); ++line_no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    if (line_no == 1 && line.rfind("name,", 0) == 0) continue;  // header
    auto row = parse_row(line_no, line);
    if (!row.ok()) return fail(row.error());
    auto [it, inserted] = first_line.emplace(row->name, line_no);
    if (!inserted) {
      row->first_of_user = false;
      if (!row->web_password.empty()) {
        return fail("line " + std::to_string(line_no) + ": web password for " +
                    in_quotes(row->name) + " already given on line " + std::to_string(it->second));
      }
    }
    rows.push_back(std::move(row.value()));
  }
  if (csv.bad()) return fail(std::string("read error"));
  return rows;
}

// Argon2id takes tens of milliseconds and 64 MiB per hash by design, so the
// hashes are computed on every core before the (fast) database transaction.
void hash_web_passwords(std::vector<Row>& rows, unsigned threads) {
  std::vector<Row*> todo;
  for (auto& r : rows) {
    if (!r.web_password.empty()) todo.push_back(&r);
  }
  if (todo.empty()) return;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, static_cast<unsigned>(todo.size()));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < todo.size(); i = next++) {
      todo[i]->web_hash = store::hash_web_password(todo[i]->web_password);
    }
  };
  std::vector<std::jthread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
}

store::StoreStatus store_rows(store::Store& store, const std::vector<Row>& rows,
                              std::string_view realm, ImportSummary& summary) {
  auto at = [](const Row& r, const store::StoreError& e) {
    return fail(store::StoreError{e.code, "line " + std::to_string(r.line) + ": " + e.message});
  };
  std::unordered_map<std::string, UserId> ids;
  ids.reserve(rows.size());
  for (const auto& r : rows) {
    UserId owner;
    if (r.first_of_user) {
      auto id = store.users().add(store::NewUser{r.name, "", r.web_hash});
      if (!id.ok()) return at(r, id.error());
      owner = *id;
      ids.emplace(r.name, owner);
      ++summary.users;
    } else {
      owner = ids.at(r.name);
    }
    if (r.sip_username.empty()) continue;
    store::NewSipAccount account{r.sip_username, std::string(realm),
                                 compute_ha1(Algorithm::Md5, r.sip_username, realm, r.sip_password),
                                 compute_ha1(Algorithm::Sha256, r.sip_username, realm,
                                             r.sip_password)};
    auto added = store.accounts().add(owner, account);
    if (!added.ok()) return at(r, added.error());
    ++summary.accounts;
  }
  return Ok{};
}

}  // namespace

std::optional<std::vector<std::string>> split_csv_line(std::string_view line) {
  // RFC 4180 within one line: a field may be "quoted", "" is a quote inside.
  std::vector<std::string> fields(1);
  bool in_quotes = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_quotes) {
      if (c != '"') {
        fields.back() += c;
      } else if (i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else {
        in_quotes = false;
      }
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '"' && fields.back().empty()) {
      in_quotes = true;
    } else {
      fields.back() += c;
    }
  }
  if (in_quotes) return std::nullopt;
  return fields;
}

Result<ImportSummary, std::string> import_users(store::Store& store, std::istream& csv,
                                                std::string_view realm, unsigned threads) {
  auto rows = parse_rows(csv);
  if (!rows.ok()) return fail(rows.error());
  hash_web_passwords(rows.value(), threads);
  ImportSummary summary;
  auto status = store.transaction([&] { return store_rows(store, rows.value(), realm, summary); });
  if (!status.ok()) return fail(status.error().message);
  return summary;
}

}  // namespace parley::app
