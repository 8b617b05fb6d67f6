#pragma once
// The CGI gateway (`app: { type: cgi, script: PATH }` or `{ type: cgi, root: DIR }`): runs a
// program per request as RFC 3875 says. docs/apps.md describes the options and the rules.

#include <pscgi/app.hpp>

namespace pscgi::apps::cgi {

/// Makes the gateway from its options (cgi_options.hpp). Throws std::invalid_argument naming
/// `app.<key>` when they are wrong.
AppPtr make_cgi_app(const AppSettings& settings);

/// How many local redirects (a script answering `Location: /other/path`) one request may follow.
inline constexpr int max_local_redirects = 5;

}  // namespace pscgi::apps::cgi
