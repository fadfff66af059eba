// The demo community of `parley serve --demo`: users alice, bob and carol with
// web passwords and SIP accounts, and rooms lobby, random and staff. Called
// once at start-up on the main thread before the server runs. Thread: main.
#pragma once

#include <string>

#include "app/lib/config.hpp"
#include "store/store.hpp"

namespace parley::app {

// Creates what is missing and resets the demo passwords (so the printed text
// is always true); safe to call on every start. A room that exists is left as
// it is (members who left stay out). Returns human text: how to log
// in on the web and what to enter in a softphone. Throws std::runtime_error if
// the store fails or a demo name is taken by another user's SIP account.
std::string ensure_demo_community(store::Store& store, const Config& config);

}  // namespace parley::app
