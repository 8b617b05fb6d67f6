#pragma once
// The site's navigation, as HTML: the breadcrumb trail (the path back up to the root), the folder's
// pages and subfolders beside a page, and the generated listing of a folder without an index. Every
// link is relative, so the site works wherever its pages are: a page at /a/b/page and the folder
// /a/b/ share the base /a/b/, and the root is "../../" from both.

#include "apps/pages/folder.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pscgi::apps::pages {

/// The trail from the root to the page: the site (its title, or "Home"), each folder, then
/// `page_label` as the current item. An empty `page_label` makes the folder itself the current item
/// (its index or listing).
std::string breadcrumbs_html(const std::vector<std::string>& folder, std::string_view page_label,
                             std::string_view site_title);

/// The sidebar beside a page of `folder`: a link up (but at the root), the subfolders, the pages,
/// with `current` (a file name, e.g. "cache.md") marked aria-current. The folder's index page links
/// to "./". Other files are left to the listing.
std::string navigation_html(const Folder& folder, std::string_view current, std::string_view site_title);

/// The body of a folder's generated listing: a heading "Index of /a/b/" and every entry.
std::string listing_html(const Folder& folder);

/// "Index of /a/b/": the listing's title.
std::string listing_title(const Folder& folder);

}  // namespace pscgi::apps::pages
