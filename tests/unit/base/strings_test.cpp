#include "base/strings.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(Strings, ParseUintRejectsSignsBlanksAndOverflow) {
  EXPECT_EQ(parse_uint("42"), 42u);
  EXPECT_FALSE(parse_uint("-1"));
  EXPECT_FALSE(parse_uint(" 1"));
  EXPECT_FALSE(parse_uint(""));
  EXPECT_FALSE(parse_uint("4294967296", 4294967295u));
  EXPECT_EQ(parse_uint("4294967295", 4294967295u), 4294967295u);
}

TEST(Strings, CaseInsensitiveCompareAndHash) {
  EXPECT_TRUE(iequals("Via", "vIA"));
  EXPECT_FALSE(iequals("Via", "Vias"));
  EXPECT_EQ(IHash{}("Call-ID"), IHash{}("call-id"));
  EXPECT_EQ(trim("  a b \r\n"), "a b");
  EXPECT_EQ(to_hex("\x01\xff"), "01ff");
}

}  // namespace
}  // namespace parley
