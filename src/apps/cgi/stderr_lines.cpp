#include "apps/cgi/stderr_lines.hpp"

#include <fmt/format.h>

namespace pscgi::apps::cgi {

void StderrLines::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    const std::size_t take = newline == std::string_view::npos ? bytes.size() : newline;
    // Keep the pending piece under max_line: a longer line goes out in pieces.
    std::size_t room = max_line_ - partial_.size();
    if (take >= room) {
      partial_.append(bytes.substr(0, room));
      emit(partial_);
      partial_.clear();
      bytes.remove_prefix(room);
      if (take == room && newline != std::string_view::npos) bytes.remove_prefix(1);
      continue;
    }
    partial_.append(bytes.substr(0, take));
    if (newline == std::string_view::npos) return;
    if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    emit(partial_);
    partial_.clear();
    bytes.remove_prefix(newline + 1);
  }
}

void StderrLines::finish() {
  if (!partial_.empty()) emit(partial_);
  partial_.clear();
}

void StderrLines::emit(std::string_view line) {
  if (dropping_) return;
  if (emitted_ + line.size() > max_total_) {
    dropping_ = true;
    sink_(fmt::format("(more than {} bytes on stderr: the rest is not logged)", max_total_));
    return;
  }
  emitted_ += line.size();
  sink_(line);
}

}  // namespace pscgi::apps::cgi
