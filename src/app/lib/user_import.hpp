// `parley user import FILE`: bulk creation of users and SIP accounts from CSV
// lines "name,web_password,sip_username,sip_password", all or nothing.
// Runs on the command line's main thread; web passwords are hashed on all
// cores (Argon2id is slow on purpose). Thread: main.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/store.hpp"

namespace parley::app {

struct ImportSummary {
  std::size_t users = 0;
  std::size_t accounts = 0;
};

// Fields may be "quoted" ("" for a quote inside). Empty fields are skipped: no
// web password = no web login, no sip_username = no SIP account. A name seen
// again on a later line adds one more SIP account to that user. A header line
// starting with "name," is allowed. The first bad line fails the whole import
// with "line N: why" and nothing is stored. `realm` is the HA1 realm (the SIP
// domain). `threads` 0 = one per core.
Result<ImportSummary, std::string> import_users(store::Store& store, std::istream& csv,
                                                std::string_view realm, unsigned threads = 0);

// Splits one CSV line; nullopt if a quote is unbalanced.
std::optional<std::vector<std::string>> split_csv_line(std::string_view line);

}  // namespace parley::app
