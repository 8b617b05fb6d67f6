#pragma once
// Markdown to HTML with md4c (CommonMark plus GitHub's tables, strikethrough, task lists and
// autolinks), and the headings made linkable.

#include <string>
#include <string_view>

namespace pscgi::apps::pages {

struct RenderedMarkdown {
  std::string html;   ///< the body's markup; every <h1>..<h6> carries an id (see add_heading_ids)
  std::string title;  ///< the text of the first heading, as plain text; "" when there is none
};

/// Renders a Markdown document. Raw HTML in it is kept (the site's files are the operator's, not the
/// visitors'). Never fails: md4c renders any input, and a failure of its own is an exception.
RenderedMarkdown render_markdown(std::string_view markdown);

/// GitHub's anchor for a heading's text: lower case, spaces become '-', punctuation other than '-'
/// and '_' is dropped, non-ASCII bytes are kept ("Reload (SIGHUP)" → "reload-sighup").
std::string heading_slug(std::string_view text);

/// Gives every <hN> tag of md4c's output an id from heading_slug of its text, made unique in the
/// page with -1, -2... as GitHub does, so links such as `operations.md#reload-sighup` land. Returns
/// the first heading's text in `first_heading` (tags removed, entities decoded).
std::string add_heading_ids(std::string_view html, std::string& first_heading);

}  // namespace pscgi::apps::pages
