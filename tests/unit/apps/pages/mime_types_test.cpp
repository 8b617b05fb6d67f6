#include "apps/pages/mime_types.hpp"

#include <gtest/gtest.h>

namespace pscgi::apps::pages {
namespace {

TEST(MimeTypesTest, KnownExtensions) {
  EXPECT_EQ(mime_type_for("a.html"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type_for("style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(mime_type_for("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type_for("logo.png"), "image/png");
  EXPECT_EQ(mime_type_for("photo.jpg"), "image/jpeg");
  EXPECT_EQ(mime_type_for("photo.jpeg"), "image/jpeg");
  EXPECT_EQ(mime_type_for("anim.gif"), "image/gif");
  EXPECT_EQ(mime_type_for("diagram.svg"), "image/svg+xml");
  EXPECT_EQ(mime_type_for("notes.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(mime_type_for("data.json"), "application/json");
  EXPECT_EQ(mime_type_for("paper.pdf"), "application/pdf");
  EXPECT_EQ(mime_type_for("favicon.ico"), "image/vnd.microsoft.icon");
  EXPECT_EQ(mime_type_for("image.webp"), "image/webp");
}

TEST(MimeTypesTest, ExtensionsAreCaseInsensitiveAndTheLastOneCounts) {
  EXPECT_EQ(mime_type_for("LOGO.PNG"), "image/png");
  EXPECT_EQ(mime_type_for("archive.tar.gz"), "application/gzip");
  EXPECT_EQ(mime_type_for("page.md.png"), "image/png");
}

TEST(MimeTypesTest, UnknownIsADownload) {
  EXPECT_EQ(mime_type_for("binary.exe"), "application/octet-stream");
  EXPECT_EQ(mime_type_for("Makefile"), "application/octet-stream");
  EXPECT_EQ(mime_type_for("trailing."), "application/octet-stream");
  EXPECT_EQ(mime_type_for(".profile"), "application/octet-stream");
}

}  // namespace
}  // namespace pscgi::apps::pages
