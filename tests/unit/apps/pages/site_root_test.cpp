#include "apps/pages/site_root.hpp"

#include "unit/apps/pages/site_fixture.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cerrno>

namespace pscgi::apps::pages {
namespace {

using test_support::TempSite;

class SiteRootTest : public ::testing::TestWithParam<Containment> {
 protected:
  SiteRootTest() {
    site.write("page.md", "# Page\n");
    site.write("sub/inner.md", "# Inner\n");
    TempSite::write_at(site.outside("secret.txt"), "secret\n");
  }
  TempSite site;
};

TEST_P(SiteRootTest, OpensFilesAndFoldersBeneathTheRoot) {
  const SiteRoot root(site.root(), GetParam());
  EXPECT_EQ(root.containment(), GetParam());
  EXPECT_TRUE(root.open("page.md").is_regular());
  EXPECT_TRUE(root.open("sub/inner.md").is_regular());
  EXPECT_TRUE(root.open("sub").is_directory());
  EXPECT_TRUE(root.open("").is_directory());
  EXPECT_EQ(root.open("missing.md").error, ENOENT);
  EXPECT_EQ(root.open("page.md/x").error, ENOTDIR);
}

TEST_P(SiteRootTest, RefusesDotDotAndEmptyNamesItself) {
  const SiteRoot root(site.root(), GetParam());
  for (const char* relative : {"..", "../secret.txt", "sub/../../secret.txt", ".", "sub//inner.md", "/etc/passwd", "sub/"}) {
    EXPECT_EQ(root.open(relative).error, EINVAL) << relative;
  }
}

TEST_P(SiteRootTest, SymlinksOutOfTheRootAreNeverFollowed) {
  site.symlink(site.outside("secret.txt"), "absolute-out.txt");
  site.symlink("../secret.txt", "relative-out.txt");
  site.symlink("..", "up");
  site.symlink("/", "slash");
  const SiteRoot root(site.root(), GetParam());
  for (const char* relative : {"absolute-out.txt", "relative-out.txt", "up/secret.txt", "slash/etc/passwd"}) {
    const OpenedFile opened = root.open(relative);
    EXPECT_FALSE(opened.is_regular()) << relative;
    EXPECT_TRUE(opened.error == EXDEV || opened.error == ELOOP) << relative << ": errno " << opened.error;
  }
}

TEST_P(SiteRootTest, SymlinksInsideTheRootAreFollowedOnlyWithOpenat2) {
  site.symlink("page.md", "alias.md");
  site.symlink("sub", "folder-alias");
  const SiteRoot root(site.root(), GetParam());
  const bool follows = GetParam() == Containment::beneath;
  EXPECT_EQ(root.open("alias.md").is_regular(), follows);
  EXPECT_EQ(root.open("folder-alias/inner.md").is_regular(), follows);
}

TEST_P(SiteRootTest, AFifoIsOpenedWithoutBlockingAndIsNotARegularFile) {
  ASSERT_EQ(::mkfifo(site.path("pipe.md").c_str(), 0644), 0);
  const SiteRoot root(site.root(), GetParam());
  const OpenedFile opened = root.open("pipe.md");  // would hang without O_NONBLOCK
  EXPECT_EQ(opened.error, 0);
  EXPECT_FALSE(opened.is_regular());
  EXPECT_FALSE(read_whole_file(opened, 1024).has_value());
}

TEST_P(SiteRootTest, ReadsWholeFilesUpToALimit) {
  site.write("big.txt", std::string(5000, 'x'));
  const SiteRoot root(site.root(), GetParam());
  EXPECT_EQ(read_whole_file(root.open("big.txt"), 5000), std::string(5000, 'x'));
  EXPECT_FALSE(read_whole_file(root.open("big.txt"), 4999).has_value());
  EXPECT_FALSE(read_whole_file(root.open("sub"), 5000).has_value());
}

INSTANTIATE_TEST_SUITE_P(BothContainments, SiteRootTest, ::testing::Values(Containment::beneath, Containment::no_symlinks),
                         [](const auto& param_info) { return param_info.param == Containment::beneath ? "beneath" : "no_symlinks"; });

TEST(SiteRootDetectionTest, AMissingRootIsAnError) {
  TempSite site;
  EXPECT_THROW(SiteRoot(site.path("nope")), std::invalid_argument);
  site.write("file.md", "x");
  EXPECT_THROW(SiteRoot(site.path("file.md")), std::invalid_argument);
}

}  // namespace
}  // namespace pscgi::apps::pages
