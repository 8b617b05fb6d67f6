#include <pscgi/json.hpp>

#include <pscgi/errors.hpp>
#include <pscgi/forms.hpp>
#include <pscgi/responses.hpp>

#include <fmt/format.h>

namespace pscgi {
namespace {

bool is_json_type(std::string_view type) noexcept { return type == "application/json" || type.ends_with("+json"); }

}  // namespace

ResponsePtr json(const nlohmann::json& value, int status) {
  return json_text(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), status);
}

nlohmann::json json_body(const Request& request) {
  const MediaType type = content_type(request);
  if (!type.type.empty() && !is_json_type(type.type)) {
    throw BadRequest(fmt::format("expected a JSON body (application/json), got {}", type.type));
  }
  try {
    return nlohmann::json::parse(request.body());
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 2: ..."; the part
    // after the id says where, which is what the client needs.
    const std::string_view what = e.what();
    const auto text = what.find("] ");
    throw BadRequest(fmt::format("the body is not JSON: {}", text == std::string_view::npos ? what : what.substr(text + 2)));
  }
}

}  // namespace pscgi
