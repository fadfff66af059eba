// Heap held by idle browser sessions (DESIGN target for the whole server:
// under 20 KiB per idle session, socket included). Measured with glibc's
// allocator statistics around many logins.
#include "api_test_support.hpp"

#include <malloc.h>

namespace parley::web::test {
namespace {

using namespace std::chrono_literals;

class ApiMemoryTest : public ApiFixture {};

TEST_F(ApiMemoryTest, IdleSessionTakesLittleHeap) {
  constexpr int kSessions = 2000;
  std::vector<Login> logins;
  logins.reserve(kSessions);
  // Let the allocator and the loggers settle before measuring.
  logins.push_back(login());
  const std::size_t before = mallinfo2().uordblks;
  for (int i = 1; i < kSessions; ++i) {
    logins.push_back(login("alice", "alice-pw", "198.51.100." + std::to_string(i % 250),
                           "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"));
    // Each session signs a few requests, then goes idle past the nonce window.
    ASSERT_EQ(call(signed_request(logins.back(), "GET", "/api/v1/users")).status, 200);
    ASSERT_EQ(call(signed_request(logins.back(), "GET", "/api/v1/session")).status, 200);
  }
  advance(61s);
  api_->on_timer();
  const std::size_t after = mallinfo2().uordblks;
  if (after <= before) GTEST_SKIP() << "no allocator statistics (sanitizer build?)";
  // The test's own Login records are part of the delta; subtract them.
  std::size_t test_side = 0;
  for (const Login& l : logins) {
    test_side += l.id.capacity() + l.key_b64.capacity() + l.key.capacity() + l.ip.capacity() +
                 l.ua.capacity() + 5 * 16;
  }
  const double per_session = (static_cast<double>(after - before) - static_cast<double>(test_side)) /
                             (kSessions - 1);
  RecordProperty("bytes_per_idle_session", static_cast<int>(per_session));
  std::printf("heap per idle session: %.0f bytes\n", per_session);
  EXPECT_LT(per_session, 2048.0);
  EXPECT_EQ(api_->session_count(), static_cast<std::size_t>(kSessions));
}

}  // namespace
}  // namespace parley::web::test
