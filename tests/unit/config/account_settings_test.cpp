// `user:` and `group:` (src/config/account_settings.cpp): names and numbers are looked up when the
// file is read. The accounts used are Debian's: nobody (65534, primary group nogroup) and www-data.
#include "config/account_settings.hpp"

#include "config/config.hpp"
#include "unit/config/config_error_text.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <grp.h>
#include <pwd.h>

namespace pscgi::config {
namespace {

using ::testing::HasSubstr;
using testing::error_of;

// A uid and gid no database on a test machine has an entry for.
constexpr std::uint32_t kUnlisted = 3999999999u;

Config load(const std::string& text) { return load_config_text(text, "pscgi.yaml"); }

gid_t gid_of(const char* name) {
  const group* entry = ::getgrnam(name);
  return entry ? entry->gr_gid : static_cast<gid_t>(-1);
}

TEST(AccountSettingsTest, NeitherByDefault) {
  const Config config = load("backlog: 10\n");
  EXPECT_FALSE(config.user);
  EXPECT_FALSE(config.group);
}

TEST(AccountSettingsTest, AUserNameGivesItsUidAndPrimaryGroup) {
  const Config config = load("user: nobody\n");
  ASSERT_TRUE(config.user);
  EXPECT_EQ(config.user->text, "nobody");
  EXPECT_EQ(config.user->uid, 65534u);
  EXPECT_EQ(config.user->primary_gid, gid_of("nogroup"));
  EXPECT_FALSE(config.group);
}

TEST(AccountSettingsTest, AGroupNameGivesItsGid) {
  const Config config = load("user: nobody\ngroup: www-data\n");
  ASSERT_TRUE(config.group);
  EXPECT_EQ(config.group->text, "www-data");
  EXPECT_EQ(config.group->gid, 33u);
}

TEST(AccountSettingsTest, NumbersAreIdsEvenWithoutAnEntry) {
  const Config listed = load("user: 65534\ngroup: \"65534\"\n");
  EXPECT_EQ(listed.user->uid, 65534u);
  EXPECT_EQ(listed.user->primary_gid, gid_of("nogroup"));
  EXPECT_EQ(listed.group->gid, 65534u);

  ASSERT_EQ(::getpwuid(kUnlisted), nullptr);
  const Config unlisted = load(fmt::format("user: {}\ngroup: {}\n", kUnlisted, kUnlisted));
  EXPECT_EQ(unlisted.user->uid, kUnlisted);
  EXPECT_FALSE(unlisted.user->primary_gid);
  EXPECT_EQ(unlisted.group->gid, kUnlisted);
}

TEST(AccountSettingsTest, UnknownNamesAreErrorsAtTheirLine) {
  EXPECT_THAT(error_of("backlog: 10\nuser: no-such-user-pscgi\n"),
              HasSubstr("pscgi.yaml:2:7: user: unknown user \"no-such-user-pscgi\""));
  EXPECT_THAT(error_of("user: nobody\ngroup: no-such-group-pscgi\n"),
              HasSubstr("pscgi.yaml:2:8: group: unknown group \"no-such-group-pscgi\""));
}

TEST(AccountSettingsTest, RootIsRefused) {
  EXPECT_THAT(error_of("user: root\n"), HasSubstr("pscgi.yaml:1:7: user: \"root\" is root (uid 0)"));
  EXPECT_THAT(error_of("user: 0\n"), HasSubstr("pscgi.yaml:1:7: user: \"0\" is root (uid 0)"));
}

TEST(AccountSettingsTest, BadShapesAreRefused) {
  EXPECT_THAT(error_of("user: 4294967295\n"), HasSubstr("pscgi.yaml:1:7: user: 4294967295 is not a valid id"));
  EXPECT_THAT(error_of("user: 99999999999\n"), HasSubstr("pscgi.yaml:1:7: user: 99999999999 is not a valid id"));
  EXPECT_THAT(error_of("user: \"\"\n"), HasSubstr("pscgi.yaml:1:7: user: must not be empty"));
  EXPECT_THAT(error_of("user: [nobody]\n"), HasSubstr("pscgi.yaml:1:7: user: expected a user name or a uid"));
  EXPECT_THAT(error_of("user: nobody\ngroup: {a: 1}\n"), HasSubstr("pscgi.yaml:2:8: group: expected a group name"));
}

TEST(AccountSettingsTest, GroupAloneLoads) {
  // Only warned about at start (privilege_checks): every key can be given alone.
  const Config config = load("group: www-data\n");
  EXPECT_FALSE(config.user);
  EXPECT_EQ(config.group->gid, 33u);
}

TEST(AccountSettingsTest, AUidWithoutAnEntryNeedsGroup) {
  EXPECT_THAT(error_of(fmt::format("user: {}\n", kUnlisted)),
              HasSubstr(fmt::format("pscgi.yaml:1:1: user: {} (uid {}) has no entry in the user database, so no "
                                    "primary group: set group",
                                    kUnlisted, kUnlisted)));
}

TEST(AccountSettingsTest, DescribedAsWrittenAndLoadsBack) {
  const Config config = load("listen: unix:/tmp/a.sock\nuser: nobody\ngroup: www-data\n");
  const std::string text = describe_config(config);
  EXPECT_THAT(text, HasSubstr("\nuser: nobody\ngroup: www-data\n"));
  const Config again = load(text);
  EXPECT_EQ(again.user->uid, 65534u);
  EXPECT_EQ(again.group->gid, 33u);
  EXPECT_THAT(describe_config(default_config()), HasSubstr("\nuser: ~\ngroup: ~\n"));
}

TEST(AccountSettingsTest, LookUpBothWays) {
  EXPECT_EQ(look_up_user("nobody")->uid, 65534u);
  EXPECT_EQ(look_up_user("65534")->primary_gid, gid_of("nogroup"));
  EXPECT_FALSE(look_up_user("no-such-user-pscgi"));
  EXPECT_EQ(look_up_group("www-data"), gid_of("www-data"));
  EXPECT_EQ(look_up_group("12345"), 12345u);
  EXPECT_FALSE(look_up_group("no-such-group-pscgi"));
}

}  // namespace
}  // namespace pscgi::config
