#pragma once
// The pages app (`app: { type: pages, root: DIR }`): a folder of Markdown files served as a web
// site. docs/apps.md ("The Markdown site") has the rules; this is how a request maps to a file:
//   /            the root's index (option `index`, index.md), else a listing (option `listing`)
//   /dir         301 to /dir/ (so relative links in its index resolve inside it)
//   /dir/        dir/index.md, else a listing, else 404
//   /page        page.md, rendered (when no file or folder is called "page")
//   /page.md     page.md, rendered: a link to "other.md" works as written
//   /img.png     the file as it is, with its MIME type
// A path that could leave the root is refused before any file is opened (request_path.hpp); every
// open goes through SiteRoot, which cannot end outside the root (site_root.hpp).

#include "apps/pages/folder.hpp"
#include "apps/pages/pages_options.hpp"
#include "apps/pages/request_path.hpp"
#include "apps/pages/site_root.hpp"

#include <pscgi/app.hpp>

#include <optional>

namespace pscgi::apps::pages {

/// The largest file the app reads (a page or a file): a bigger one is a 500 with a log line.
inline constexpr std::size_t max_file_bytes = 32u << 20;

class PagesApp final : public App {
 public:
  /// Opens the root now, in the master, so that a missing folder stops the start with a clear error.
  explicit PagesApp(PagesOptions options, std::optional<Containment> containment = std::nullopt);

  ResponsePtr handle(const Request& request) override;

  const SiteRoot& root() const noexcept { return root_; }

 private:
  ResponsePtr serve_folder(const SitePath& path, std::string_view target);
  ResponsePtr serve_name(const SitePath& path, std::string_view target);
  ResponsePtr serve_file(const std::string& name, const OpenedFile& file, std::string_view target);
  ResponsePtr serve_page(const Folder& folder, const std::string& name, const OpenedFile& file, std::string_view target);
  ResponsePtr serve_listing(const Folder& folder) const;
  std::optional<Folder> open_folder(const std::vector<std::string>& names, std::string_view target,
                                    ResponsePtr& failure) const;

  PagesOptions options_;
  SiteRoot root_;
};

/// The factory registered as `pages` (reads the options with read_pages_options).
AppPtr make_pages_app(const AppSettings& settings);

}  // namespace pscgi::apps::pages
