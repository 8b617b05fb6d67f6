// libFuzzer target for the SCGI parser. The first byte picks where the input is split in two, so that
// every input also exercises the parser's resumption between feeds; the invariants are checked with
// abort() so that a release build still stops on them.

#include "protocol/scgi_parser.hpp"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

using pscgi::protocol::ParserLimits;
using pscgi::protocol::ScgiParser;
using State = ScgiParser::State;

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

// Small limits, so that the fuzzer reaches both with short inputs; the nginx fixtures still fit.
constexpr ParserLimits limits{2048, 4096};

// A parser that has consumed nothing (new or reset) reports, when the input ends, what a new one does.
bool consumed_nothing(ScgiParser parser) {
  ScgiParser fresh(limits);
  fresh.finish_input();
  parser.finish_input();
  return parser.error() == fresh.error() && parser.error_detail() == fresh.error_detail();
}

void check_transition(State before, State after) {
  if (before == State::complete || before == State::failed) require(after == before, "left a final state");
  if (before == State::body) require(after != State::header, "went back from body to header");
}

std::size_t feed_checked(ScgiParser& parser, std::string_view bytes) {
  const State before = parser.state();
  const std::size_t used = parser.feed(bytes);
  require(used <= bytes.size(), "consumed more than given");
  check_transition(before, parser.state());
  if (used < bytes.size()) {
    require(parser.state() == State::complete || parser.state() == State::failed, "stopped early while running");
  }
  if (parser.state() == State::body) {
    require(parser.header_complete() && parser.body_bytes_missing() > 0, "body state without missing bytes");
    require(parser.content_length() <= limits.max_body_bytes, "body over the limit accepted");
  }
  if (parser.state() == State::failed) {
    require(parser.error_code() && !parser.error_detail().empty(), "failed without a reason");
  }
  return used;
}

void check_request(ScgiParser& parser, std::size_t consumed) {
  const pscgi::Request request = parser.take_request();
  require(parser.state() == State::header && consumed_nothing(parser), "take_request did not reset");
  require(request.variable_count() >= 2, "complete request without CONTENT_LENGTH and SCGI");
  require(request.variable(0).name == "CONTENT_LENGTH", "CONTENT_LENGTH not first");
  const std::string_view text = request.var("CONTENT_LENGTH");
  std::uint64_t length = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
  require(ec == std::errc() && end == text.data() + text.size(), "CONTENT_LENGTH not a number");
  require(length == request.body().size(), "CONTENT_LENGTH differs from the body size");
  require(request.var("SCGI") == "1", "SCGI is not 1");
  require(request.body().size() < consumed, "body larger than the bytes consumed");
  for (std::size_t i = 0; i < request.variable_count(); ++i) {
    const std::string_view name = request.variable(i).name;
    require(!name.empty(), "empty name");
    for (std::size_t j = 0; j < i; ++j) require(request.variable(j).name != name, "repeated name kept");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The first byte stays part of the request, so that the fixtures work as seeds as they are.
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);

  ScgiParser parser(limits);
  std::size_t consumed = feed_checked(parser, input.substr(0, split));
  if (consumed == split) consumed += feed_checked(parser, input.substr(split));

  // The same bytes in one piece must end the same way.
  ScgiParser whole(limits);
  require(whole.feed(input) == consumed, "split and whole consumed differently");
  require(whole.state() == parser.state(), "split and whole ended differently");
  require(whole.error_code() == parser.error_code(), "split and whole failed differently");

  const State before = parser.state();
  parser.finish_input();
  check_transition(before, parser.state());
  require(parser.state() == State::complete || parser.state() == State::failed, "still running after the input ended");
  if (parser.state() == State::complete) check_request(parser, consumed);
  return 0;
}
