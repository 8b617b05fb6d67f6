#pragma once
// The requests the micro-benchmarks feed pscgi: what nginx 1.22 sends with the stock
// /etc/nginx/scgi_params for a browser's GET, and a POST with a form body.

#include <pscgi/request.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pscgi::bench {

using Variables = std::vector<std::pair<std::string, std::string>>;

/// The CGI variables of a GET for `uri` (path and optional query) as nginx sends them: CONTENT_LENGTH
/// first, then scgi_params in its order, then the client's headers as HTTP_* (a desktop Firefox
/// without cookies, so the cache does not bypass it): 21 variables, about 600 bytes.
Variables browser_get(std::string_view uri);

/// A form POST to `uri` declaring a body of `body_bytes` (CONTENT_LENGTH and CONTENT_TYPE set).
Variables form_post(std::string_view uri, std::size_t body_bytes);

/// The SCGI bytes for these variables: the netstring `<len>:name\0value\0...,` followed by `body`.
/// CONTENT_LENGTH is taken from the variables as given (the caller keeps it consistent).
std::string scgi_wire(const Variables& variables, std::string_view body = {});

/// `bytes` bytes of form-encoded text (`field0=xxxx&field1=...`), the same every time.
std::string form_body(std::size_t bytes);

/// Adds (or replaces) one variable, keeping the others in order.
Variables with_variable(Variables variables, std::string name, std::string value);

/// The Request the parser would make of `variables` (through Request::from_variables).
Request make_request(const Variables& variables, std::string body = {});

}  // namespace pscgi::bench
