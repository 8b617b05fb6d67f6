#pragma once
// The Content-Type of the files the pages app serves as they are (everything but Markdown).

#include <string_view>

namespace pscgi::apps::pages {

/// The media type for a file name, from its extension (case-insensitive): text types carry
/// `; charset=utf-8`; an unknown or missing extension is application/octet-stream, which browsers
/// download rather than render.
std::string_view mime_type_for(std::string_view file_name) noexcept;

}  // namespace pscgi::apps::pages
