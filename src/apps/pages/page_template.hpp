#pragma once
// The one HTML template of the pages app: a complete document with its CSS inline, so a page makes
// no other request (no fonts, scripts or stylesheets from anywhere).

#include <pscgi/responses.hpp>  // html_escape, used by every part of the page

#include <string>
#include <string_view>

namespace pscgi::apps::pages {

/// A file or folder name as one segment of a relative URL: bytes outside RFC 3986's unreserved set
/// (and a few harmless sub-delims) are percent-encoded, so '?', '#', '%', spaces and quotes survive.
std::string url_segment(std::string_view name);

/// The parts of a page. `title` and `site_title` are plain text (escaped here); the *_html parts are
/// markup made by the app.
struct PageParts {
  std::string_view title;       ///< the page's first heading (or its file name)
  std::string_view site_title;  ///< the site's name (option `title`), "" for none
  std::string_view breadcrumbs_html;
  std::string_view navigation_html;  ///< "" for no sidebar
  std::string_view content_html;
};

/// What goes in <title>: "Page — Site", or whichever of the two is not empty.
std::string document_title(std::string_view title, std::string_view site_title);

/// The whole document.
std::string render_page(const PageParts& parts);

}  // namespace pscgi::apps::pages
