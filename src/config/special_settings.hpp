#pragma once
// Settings-table makers for the keys whose syntax is their own (addresses, lists with rules, the
// app's open map). Each takes its path and its documentation from the table in settings.cpp.

#include "config/settings.hpp"

#include <string>

namespace pscgi::config {

/// `listen`: one address or a list of them; at least one, no socket twice.
Setting listen_setting(std::string path, std::string doc);
/// `socket_mode`: a quoted octal string; a bare YAML number is refused as ambiguous.
Setting socket_mode_setting(std::string path, std::string doc);
/// `pid_file`: a path, or `~` for none.
Setting pid_file_setting(std::string path, std::string doc);
/// `pipeline`: known stage names, each at most once, order kept.
Setting pipeline_setting(std::string path, std::string doc);
/// `cache.bypass_cookies`: cookie names or "*".
Setting bypass_cookies_setting(std::string path, std::string doc);
/// `cache.methods`: upper-case method tokens, at least one.
Setting methods_setting(std::string path, std::string doc);
/// `cache.statuses`: status codes 100–599, at least one.
Setting statuses_setting(std::string path, std::string doc);
/// `app`: a section whose keys other than `type` are kept, with their lines, for the app's own
/// getters (AppSettings): each a single value or a list of single values.
Setting app_section_setting(std::string path, std::string doc);

}  // namespace pscgi::config
