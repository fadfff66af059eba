// Who may send as a given From user, so the proxy can tell a request from one
// of the user's registered devices or authenticated accounts from a spoofed
// one. Implemented by the gateway's directory. Thread: core.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley::sip {

class SenderIdentities {
 public:
  virtual ~SenderIdentities() = default;
  // The SIP account usernames entitled to the From user part `from_user` of
  // our domain: the account of that name and, when it names a user, every
  // account of that user. Empty when `from_user` is not ours.
  virtual std::vector<std::string> accounts_for_sender(std::string_view from_user) = 0;
};

}  // namespace parley::sip
