// libFuzzer target for the CGI gateway's reading of a script's output (src/apps/cgi/output_head.*,
// cgi_response.*): the input is what a script wrote on its stdout. A script is not trusted more than
// a client: whatever it writes must become a response, a local redirect or an error (a 502 upstream),
// never a crash, and a header value with a control byte must never reach a response.

#include "apps/cgi/cgi_response.hpp"
#include "apps/cgi/output_head.hpp"
#include "fuzz_support.hpp"

#include <cstdint>

namespace {

using namespace pscgi;
using namespace pscgi::apps::cgi;
using fuzz::require;

void check_head(const CgiHead& head, std::string_view output) {
  require(head.body.empty() || (head.body.data() >= output.data() &&
                                head.body.data() + head.body.size() == output.data() + output.size()),
          "the body is not the end of the output");
  if (head.status) require(*head.status >= 200 && *head.status <= 599, "a status out of 200..599");
  for (const Header& header : head.headers) {
    require(!header.name.empty(), "a header without a name");
    require(!fuzz::has_control_byte(header.value), "a control byte in a header value");
    require(header.name.find(':') == std::string::npos, "a colon in a header name");
  }
}

void check_answer(const CgiHead& head, const CgiAnswer& answer) {
  const int outcomes = (answer.response ? 1 : 0) + (answer.local_redirect ? 1 : 0) + (answer.error.empty() ? 0 : 1);
  require(outcomes == 1, "not exactly one of response, local redirect and error");
  if (answer.local_redirect) {
    require(answer.local_redirect->starts_with('/') && !answer.local_redirect->starts_with("//"),
            "a local redirect that is not a local path");
  }
  if (!answer.response) return;
  const Response& response = *answer.response;
  require(response.status() == head.status.value_or(head.location ? 302 : 200), "the status changed");
  require(response.body() == head.body, "the body changed");
  require(response.wire().find("\r\n\r\n") + 2 == response.wire_head().size(), "the head ends early");
  if (!head.has_cache_headers) require(response.cache_policy() == CachePolicy::never, "cacheable without cache headers");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view output(reinterpret_cast<const char*>(data), size);
  const ParsedOutput parsed = parse_cgi_output(output);
  if (!parsed.ok()) return 0;
  check_head(parsed.head, output);
  check_answer(parsed.head, interpret_output(parsed.head));
  return 0;
}
