#pragma once
/// \file
/// The clock of the server's own timing (deadlines, cache lifetimes, request durations): monotonic,
/// the same one Exchange::accepted_at() is read from. One name for it inside pscgi, so that every
/// piece that takes `now` explicitly agrees on its type; applications see std::chrono::steady_clock.

#include <chrono>

namespace pscgi {

using Clock = std::chrono::steady_clock;

}  // namespace pscgi
