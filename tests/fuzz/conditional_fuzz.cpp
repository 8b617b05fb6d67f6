// libFuzzer target for conditional requests: HTTP dates, entity tags, If-None-Match and
// If-Modified-Since, the 304 built from a response, and the conditional stage that swaps it in. The
// input is a request and a response in fuzz_support.hpp's text form; the request's
// HTTP_IF_NONE_MATCH / HTTP_IF_MODIFIED_SINCE and the response's ETag / Last-Modified carry the
// interesting bytes (see conditional_fuzz.dict).

#include "cache/conditional_stage.hpp"
#include "cache/http_date.hpp"
#include "cache/validators.hpp"
#include "fuzz_support.hpp"

#include <pscgi/exchange.hpp>

#include <cstdint>

namespace {

using namespace pscgi;
using namespace pscgi::cache;
using fuzz::require;

// A date that parses formats as an IMF-fixdate, which parses back to the same second.
void check_date(std::string_view text) {
  const auto parsed = parse_http_date(text);
  if (!parsed) return;
  const std::string formatted = format_http_date(*parsed);
  require(formatted.size() == 29 && formatted.ends_with(" GMT"), "formatted date is not an IMF-fixdate");
  const auto again = parse_http_date(formatted);
  require(again.has_value(), "a formatted date does not parse");
  require(std::chrono::floor<std::chrono::seconds>(*again) == std::chrono::floor<std::chrono::seconds>(*parsed),
          "a date changed on its way through format and parse");
}

void check_entity_tag(std::string_view text) {
  const auto tag = parse_entity_tag(text);
  if (!tag) return;
  require(tag->opaque.size() >= 2 && tag->opaque.front() == '"' && tag->opaque.back() == '"', "tag without quotes");
  require(weak_match(*tag, *tag), "a tag does not weakly match itself");
  require(strong_match(*tag, *tag) == !tag->weak, "strong match of a tag with itself is not its strength");
  require(if_none_match_matches("*", text), "* does not match an ETag");
}

void check_not_modified(const Request& request, const ResponsePtr& response) {
  const bool not_modified = is_not_modified(request, *response);
  if (not_modified) require(response->status() == 200, "a 304 for a response that is not a 200");
  const ResponsePtr reply = make_not_modified(*response);
  require(reply->status() == 304 && reply->body().empty(), "the 304 has a body");
  require(!reply->header("Content-Length"), "the 304 has a Content-Length");
  require(reply->headers().size() <= response->headers().size() + 1, "the 304 gained headers");

  Exchange exchange(request);
  exchange.response = response;
  ConditionalStage stage;
  require(stage.on_request(exchange) == StageResult::pass, "the conditional stage answered a request");
  stage.on_response(exchange);
  require(exchange.response && (exchange.response == response) != not_modified, "the stage disagrees with is_not_modified");
  require(exchange.response->status() == (not_modified ? 304 : response->status()), "the stage changed the status");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const Request request = fuzz::read_request(input);
  for (std::size_t i = 0; i < request.variable_count(); ++i) {
    check_date(request.variable(i).value);
    check_entity_tag(request.variable(i).value);
  }
  const ResponsePtr response = fuzz::read_response(input);
  if (!response) return 0;
  for (const Header& header : response->headers()) {
    check_date(header.value);
    check_entity_tag(header.value);
  }
  const auto etag = response->header("ETag");
  const auto last_modified = response->header("Last-Modified");
  (void)if_none_match_matches(request.var("HTTP_IF_NONE_MATCH"), etag);
  (void)not_modified_since(request.var("HTTP_IF_MODIFIED_SINCE"), last_modified);
  check_not_modified(request, response);
  return 0;
}
