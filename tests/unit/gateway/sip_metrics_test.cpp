// /metrics text for the SIP side: every sample a valid Prometheus line, each
// family announced once, and the values where they belong.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "gateway/sip_service.hpp"

namespace parley::gateway {
namespace {

TEST(SipMetrics, PrometheusTextCarriesTheSnapshot) {
  SipSnapshot s;
  s.transactions = 42;
  s.transaction_timers = 43;
  s.bindings = 1000;
  s.transaction_stats.refused_overload = 3;
  s.proxy_stats.challenges = 17;
  s.transport.datagrams_in = 5;
  s.transport.datagrams_out = 6;
  std::string out;
  write_prometheus(s, out);

  EXPECT_NE(out.find("# TYPE parley_sip_transactions gauge\nparley_sip_transactions 42\n"),
            std::string::npos);
  EXPECT_NE(out.find("\nparley_sip_transaction_timers 43\n"), std::string::npos);
  EXPECT_NE(out.find("\nparley_sip_registrar_bindings 1000\n"), std::string::npos);
  EXPECT_NE(out.find("\nparley_sip_requests_refused_total{reason=\"overload\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("\nparley_sip_proxy_events_total{event=\"challenge\"} 17\n"), std::string::npos);
  EXPECT_NE(out.find("\nparley_sip_messages_total{transport=\"udp\",direction=\"in\"} 5\n"),
            std::string::npos);
  EXPECT_NE(out.find("\nparley_sip_messages_total{transport=\"udp\",direction=\"out\"} 6\n"),
            std::string::npos);

  const std::regex sample(R"(([a-z_]+)(\{[a-z_]+="[a-z_]+"(,[a-z_]+="[a-z_]+")*\})? [0-9]+)");
  const std::regex type(R"(# TYPE ([a-z_]+) (gauge|counter))");
  std::set<std::string> typed;
  std::istringstream lines(out);
  std::string line;
  int samples = 0;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (line.starts_with("# HELP ")) continue;
    if (std::regex_match(line, m, type)) {
      EXPECT_TRUE(typed.insert(m[1]).second) << "announced twice: " << line;
      continue;
    }
    ASSERT_TRUE(std::regex_match(line, m, sample)) << line;
    EXPECT_TRUE(typed.count(m[1])) << "sample before its TYPE: " << line;
    EXPECT_EQ(m[1].str().ends_with("_total"), out.find("# TYPE " + m[1].str() + " counter") != std::string::npos)
        << "counters, and only they, end in _total: " << line;
    ++samples;
  }
  EXPECT_GT(samples, 30);
  EXPECT_EQ(out.back(), '\n');
}

}  // namespace
}  // namespace parley::gateway
