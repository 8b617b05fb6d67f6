#pragma once
// The environment of a CGI script (RFC 3875 4.1): the meta-variables made from the SCGI request,
// on top of the base the options allow (`env`, `set_env`). Nothing else from pscgi's environment
// reaches a script. Pure: the same inputs give the same list.

#include <pscgi/request.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace pscgi::apps::cgi {

/// The script a request goes to, and how its path divides (RFC 3875 4.1.13, 4.1.5).
struct ScriptTarget {
  std::string program;      ///< absolute path of the executable
  std::string script_name;  ///< SCRIPT_NAME: "" for `script:`, "/name" for `root:`
  std::string path_info;    ///< PATH_INFO, decoded: the rest of the path
};

/// One call of a script. For the request itself these come from the request; for a local redirect
/// (RFC 3875 6.2.2) they are the redirect's: GET, its path and query, no body.
struct CgiCall {
  std::string_view method;
  std::string_view request_uri;  ///< path and query, as received (percent-encoded)
  std::string_view query;
  std::string_view body;
  std::string_view content_type;
};

struct EnvironmentPolicy {
  const std::vector<std::string>* base = nullptr;  ///< "NAME=value" from the options
  bool pass_authorization = false;
};

/// Builds the environment, as "NAME=value" strings sorted by name, each name once:
/// GATEWAY_INTERFACE=CGI/1.1, SERVER_SOFTWARE, SERVER_PROTOCOL, SERVER_NAME, SERVER_PORT,
/// REQUEST_METHOD, REQUEST_URI, SCRIPT_NAME, SCRIPT_FILENAME, PATH_INFO, QUERY_STRING, REMOTE_ADDR,
/// REMOTE_PORT, REQUEST_SCHEME and HTTPS when nginx sent them, CONTENT_LENGTH and CONTENT_TYPE when
/// there is a body, and an HTTP_* variable per request header, except HTTP_PROXY (a client's
/// `Proxy:` header must not become a proxy setting: "httpoxy"), HTTP_CONTENT_LENGTH and
/// HTTP_CONTENT_TYPE (the CONTENT_* variables say it), and HTTP_AUTHORIZATION unless
/// policy.pass_authorization (RFC 3875 4.1.18: credentials are not for every script).
/// The CGI variables win over a base entry of the same name.
std::vector<std::string> build_environment(const Request& request, const ScriptTarget& target, const CgiCall& call,
                                           const EnvironmentPolicy& policy);

/// True for the names of CGI meta-variables (RFC 3875 4.1, plus REQUEST_URI, SCRIPT_FILENAME,
/// REQUEST_SCHEME, HTTPS and every HTTP_*): a script's environment takes them from the request only.
bool is_meta_variable(std::string_view name) noexcept;

}  // namespace pscgi::apps::cgi
