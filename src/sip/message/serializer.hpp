// Writes a Message as RFC 3261 wire text with a correct Content-Length.
// Thread: any.
#pragma once

#include <string>

#include "sip/message/message.hpp"

namespace parley::sip {

std::string serialize(const Message& m);

}  // namespace parley::sip
