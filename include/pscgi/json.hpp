#pragma once
/// \file
/// JSON in and out with nlohmann::json. This header makes nlohmann-json part of pscgi's public API,
/// on purpose: it is the JSON library of Debian and of most C++ code, header-only, and already what
/// pscgi uses; an app that answers JSON would include it anyway, and a wrapper of our own would
/// only be a weaker copy. It is kept out of the other headers, so apps without JSON do not pull
/// it in; installed pscgi finds it for you (find_dependency(nlohmann_json)).

#include <string>

#include <nlohmann/json.hpp>

#include <pscgi/request.hpp>
#include <pscgi/response.hpp>

namespace pscgi {

/// `application/json` with `value` serialised compactly. Invalid UTF-8 in strings is replaced with
/// U+FFFD rather than failing the response.
ResponsePtr json(const nlohmann::json& value, int status = 200);

/// The request body parsed as JSON. Throws BadRequest (a 400) when the body is not JSON, saying
/// where parsing stopped, or when the Content-Type is present and is not `application/json` or a
/// `+json` type.
nlohmann::json json_body(const Request& request);

}  // namespace pscgi
