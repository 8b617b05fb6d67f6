#include "apps/cgi/cgi_environment.hpp"

#include <map>

namespace pscgi::apps::cgi {
namespace {

using Variables = std::map<std::string, std::string, std::less<>>;

bool is_header_variable_name(std::string_view name) noexcept {
  if (!name.starts_with("HTTP_") || name.size() == 5) return false;
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool passes_header(std::string_view name, const EnvironmentPolicy& policy) noexcept {
  if (!is_header_variable_name(name)) return false;
  if (name == "HTTP_PROXY" || name == "HTTP_CONTENT_LENGTH" || name == "HTTP_CONTENT_TYPE") return false;
  return policy.pass_authorization || name != "HTTP_AUTHORIZATION";
}

void add_headers(const Request& request, const EnvironmentPolicy& policy, Variables& variables) {
  for (std::size_t i = 0; i < request.variable_count(); ++i) {
    const Variable variable = request.variable(i);
    // A value cannot carry a NUL in an environment; SCGI cannot send one either, but a Request made
    // another way could.
    if (!passes_header(variable.name, policy) || variable.value.find('\0') != std::string_view::npos) continue;
    variables.try_emplace(std::string(variable.name), variable.value);  // the first of repeated names wins
  }
}

void add_base(const std::vector<std::string>* base, Variables& variables) {
  if (!base) return;
  for (const std::string& entry : *base) {
    const std::size_t equals = entry.find('=');
    variables.insert_or_assign(entry.substr(0, equals), entry.substr(equals + 1));
  }
}

void copy_if_present(const Request& request, std::string_view name, Variables& variables) {
  if (const auto value = request.find(name)) variables.insert_or_assign(std::string(name), std::string(*value));
}

std::string_view server_name(const Request& request) {
  if (const auto name = request.find("SERVER_NAME"); name && !name->empty()) return *name;
  // The Host header without its port: "example.com:8080" and "[::1]:8080" lose ":8080".
  std::string_view host = request.host();
  const std::size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos) host = host.substr(0, colon);
  return host;
}

// The names build_environment sets or may set; the options refuse them in `env` and `set_env`.
constexpr std::string_view meta_variables[] = {
    "AUTH_TYPE",   "CONTENT_LENGTH", "CONTENT_TYPE",    "GATEWAY_INTERFACE", "HTTPS",          "PATH_INFO",
    "PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR",  "REMOTE_HOST",       "REMOTE_IDENT",   "REMOTE_PORT",
    "REMOTE_USER", "REQUEST_METHOD", "REQUEST_SCHEME", "REQUEST_URI",       "SCRIPT_FILENAME", "SCRIPT_NAME",
    "SERVER_NAME", "SERVER_PORT",    "SERVER_PROTOCOL", "SERVER_SOFTWARE"};

}  // namespace

bool is_meta_variable(std::string_view name) noexcept {
  if (name.starts_with("HTTP_")) return true;
  for (std::string_view meta : meta_variables) {
    if (meta == name) return true;
  }
  return false;
}

std::vector<std::string> build_environment(const Request& request, const ScriptTarget& target, const CgiCall& call,
                                           const EnvironmentPolicy& policy) {
  Variables variables;
  add_base(policy.base, variables);
  // Headers first so that no meta-variable below can be shadowed by them.
  add_headers(request, policy, variables);
  variables.insert_or_assign("GATEWAY_INTERFACE", "CGI/1.1");
  variables.insert_or_assign("SERVER_SOFTWARE", std::string("pscgi/") + PSCGI_VERSION);
  const std::string_view protocol = request.var("SERVER_PROTOCOL");
  variables.insert_or_assign("SERVER_PROTOCOL", std::string(protocol.empty() ? "HTTP/1.1" : protocol));
  variables.insert_or_assign("SERVER_NAME", std::string(server_name(request)));
  copy_if_present(request, "SERVER_PORT", variables);
  copy_if_present(request, "REMOTE_ADDR", variables);
  copy_if_present(request, "REMOTE_PORT", variables);
  copy_if_present(request, "REQUEST_SCHEME", variables);
  copy_if_present(request, "HTTPS", variables);
  variables.insert_or_assign("REQUEST_METHOD", std::string(call.method));
  variables.insert_or_assign("REQUEST_URI", std::string(call.request_uri));
  variables.insert_or_assign("QUERY_STRING", std::string(call.query));
  variables.insert_or_assign("SCRIPT_NAME", target.script_name);
  variables.insert_or_assign("SCRIPT_FILENAME", target.program);
  variables.insert_or_assign("PATH_INFO", target.path_info);
  if (!call.body.empty()) {
    variables.insert_or_assign("CONTENT_LENGTH", std::to_string(call.body.size()));
    if (!call.content_type.empty()) variables.insert_or_assign("CONTENT_TYPE", std::string(call.content_type));
  }
  std::vector<std::string> environment;
  environment.reserve(variables.size());
  for (const auto& [name, value] : variables) environment.push_back(name + "=" + value);
  return environment;
}

}  // namespace pscgi::apps::cgi
