#pragma once
// The guestbook's one HTML page: the entries, newest first, and the form that posts a new one.

#include "entry_store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace guestbook {

/// The whole page. Every entry's text is escaped here (pscgi::html_escape): visitors wrote it.
std::string render_page(std::string_view title, const std::vector<Entry>& entries);

}  // namespace guestbook
