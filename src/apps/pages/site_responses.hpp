#pragma once
// The responses the pages app gives: pages, files, redirects, errors. Pages and files carry
// Last-Modified (from the file system) and a strong ETag (from the bytes sent), so a browser's
// conditional request becomes a 304 in the conditional stage, whether the cache answered or the app.

#include <pscgi/response.hpp>

#include <sys/stat.h>

#include <chrono>
#include <string>
#include <string_view>

namespace pscgi::apps::pages {

using WallClock = std::chrono::system_clock;

/// st_mtim as a wall-clock time.
WallClock::time_point modified_time(const struct stat& info) noexcept;

/// `"<XXH64 of the bytes, 16 hex digits>-<length>"`: the format ResponseBuilder uses for its own
/// ETags, so a page has the same ETag in every worker and every run while its bytes are the same.
std::string strong_etag(std::string_view bytes);

/// A 200 with `bytes` as they are, of this type, Last-Modified and ETag set.
ResponsePtr content_response(std::string bytes, std::string_view content_type, WallClock::time_point modified);

/// A 301 to `location` (an absolute path: the folder URL with its slash).
ResponsePtr redirect_response(std::string location);

/// A text/plain error with this status and its reason phrase.
ResponsePtr error_response(int status);

}  // namespace pscgi::apps::pages
