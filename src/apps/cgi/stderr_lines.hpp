#pragma once
// Cuts a child's stderr into lines for the error log, with two bounds: a line longer than
// `max_line` is passed on in pieces, and after `max_total` bytes the rest is dropped (one notice
// says so), so a script cannot flood the log.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace pscgi::apps::cgi {

class StderrLines {
 public:
  using Sink = std::function<void(std::string_view line)>;
  StderrLines(Sink sink, std::size_t max_line, std::size_t max_total)
      : sink_(std::move(sink)), max_line_(max_line), max_total_(max_total) {}

  /// Takes the next bytes read from stderr.
  void feed(std::string_view bytes);
  /// Passes on a last line without a newline, if any. Call once, at EOF.
  void finish();

 private:
  void emit(std::string_view line);

  Sink sink_;
  std::size_t max_line_;
  std::size_t max_total_;
  std::size_t emitted_ = 0;
  bool dropping_ = false;
  std::string partial_;
};

}  // namespace pscgi::apps::cgi
