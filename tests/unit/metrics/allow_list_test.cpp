#include "metrics/allow_list.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace pscgi::metrics {
namespace {

TEST(AllowListTest, TheDefaultListLetsLoopbackAndLocalToolsIn) {
  const AllowList list = AllowList::parse({"127.0.0.1", "::1", "unix"});
  EXPECT_TRUE(list.permits("127.0.0.1"));
  EXPECT_TRUE(list.permits("::1"));
  EXPECT_TRUE(list.permits(std::nullopt));
  EXPECT_TRUE(list.permits(""));
  EXPECT_FALSE(list.permits("127.0.0.2"));
  EXPECT_FALSE(list.permits("10.1.2.3"));
  EXPECT_FALSE(list.permits("::2"));
}

TEST(AllowListTest, WithoutUnixAClientWithoutAddressIsRefused) {
  const AllowList list = AllowList::parse({"127.0.0.1"});
  EXPECT_FALSE(list.permits(std::nullopt));
  EXPECT_FALSE(list.permits(""));
}

TEST(AllowListTest, CidrPrefixesMatchTheirNetworkOnly) {
  const AllowList list = AllowList::parse({"10.0.0.0/8", "192.168.1.128/25", "fd00::/8"});
  EXPECT_TRUE(list.permits("10.255.1.2"));
  EXPECT_FALSE(list.permits("11.0.0.1"));
  EXPECT_TRUE(list.permits("192.168.1.200"));
  EXPECT_FALSE(list.permits("192.168.1.100"));
  EXPECT_TRUE(list.permits("fd12:3456::1"));
  EXPECT_FALSE(list.permits("fe80::1"));
}

TEST(AllowListTest, AZeroLengthPrefixMatchesItsWholeFamily) {
  const AllowList list = AllowList::parse({"0.0.0.0/0"});
  EXPECT_TRUE(list.permits("203.0.113.9"));
  EXPECT_FALSE(list.permits("2001:db8::1"));
}

TEST(AllowListTest, AnIpv4MappedClientMatchesIpv4Entries) {
  const AllowList list = AllowList::parse({"127.0.0.0/8", "::ffff:10.0.0.0/104"});
  EXPECT_TRUE(list.permits("::ffff:127.0.0.5"));
  EXPECT_TRUE(list.permits("10.9.9.9"));
}

TEST(AllowListTest, AnAddressThatIsNotOneIsRefused) {
  const AllowList list = AllowList::parse({"127.0.0.1", "unix"});
  EXPECT_FALSE(list.permits("unix:"));
  EXPECT_FALSE(list.permits("localhost"));
  EXPECT_FALSE(list.permits("127.0.0.1 "));
  EXPECT_FALSE(list.permits(std::string(100, '1')));
}

TEST(AllowListTest, AnEmptyListRefusesEveryone) {
  const AllowList list = AllowList::parse({});
  EXPECT_FALSE(list.permits("127.0.0.1"));
  EXPECT_FALSE(list.permits(std::nullopt));
}

TEST(AllowListTest, BadEntriesAreRefusedWithTheEntryNamed) {
  for (const char* entry : {"localhost", "127.0.0.256", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/x", "", "unix:"}) {
    try {
      AllowList::check_entry(entry);
      ADD_FAILURE() << "accepted \"" << entry << "\"";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("\"") + entry), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(AllowList::check_entry("unix"));
  EXPECT_NO_THROW(AllowList::check_entry("2001:db8::/32"));
}

}  // namespace
}  // namespace pscgi::metrics
