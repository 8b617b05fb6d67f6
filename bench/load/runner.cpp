#include "runner.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace pscgi::load {

LoadRunner::LoadRunner(const RunPlan& plan, std::uint64_t seed)
    : plan_(plan), random_(seed), deadline_timer_(context_) {}

void LoadRunner::run() {
  if (plan_.deadline != Clock::time_point::max()) {
    deadline_timer_.expires_at(plan_.deadline);
    deadline_timer_.async_wait([this](const boost::system::error_code& error) {
      if (!error) halt_once(plan_.deadline);
    });
  }
  // A stop() that came before run() is queued first and wins.
  boost::asio::post(context_, [this] {
    if (!halted_) begin();
  });
  context_.run();
}

void LoadRunner::stop() {
  boost::asio::post(context_, [this] { halt_once(Clock::now()); });
}

void LoadRunner::halt_once(Clock::time_point at) {
  if (halted_) return;
  halted_ = true;
  finished_at_ = at;
  deadline_timer_.cancel();
  halt(at);
}

void LoadRunner::all_done(Clock::time_point at) {
  if (halted_) return;
  halted_ = true;
  finished_at_ = at;
  deadline_timer_.cancel();
}

const std::string& LoadRunner::next_request() {
  if (!plan_.in_order) return plan_.requests->pick(random_);
  const std::string& request = plan_.requests->request(cursor_);
  cursor_ = (cursor_ + 1) % plan_.requests->size();
  return request;
}

bool LoadRunner::measured(Clock::time_point origin) const noexcept {
  return origin >= plan_.measure_start && origin < plan_.deadline;
}

bool LoadRunner::take_ticket(Clock::time_point origin) {
  if (plan_.tickets == nullptr || origin < plan_.measure_start) return true;
  return plan_.tickets->fetch_sub(1, std::memory_order_relaxed) > 0;
}

void LoadRunner::record(const ExchangeResult& result, Clock::time_point completed) {
  if (result.connected) progress_.connected.fetch_add(1, std::memory_order_relaxed);
  if (!result.aborted) {
    (result.error ? progress_.errors : progress_.responses).fetch_add(1, std::memory_order_relaxed);
  }
  if (!measured(result.origin)) return;
  if (result.aborted) return count_abandoned(result.origin);
  stats_.bytes_received += result.bytes_received;
  if (result.error) {
    ++stats_.errors[static_cast<std::size_t>(*result.error)];
    return;
  }
  ++stats_.responses;
  ++stats_.statuses[result.status];
  const auto latency =
      std::chrono::duration_cast<std::chrono::nanoseconds>(completed - result.origin);
  stats_.latency_ns.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count())));
}

void LoadRunner::count_abandoned(Clock::time_point origin) {
  if (measured(origin)) ++stats_.abandoned;
}

void LoadRunner::count_unsent(Clock::time_point origin) {
  if (measured(origin)) ++stats_.unsent;
}

std::unique_ptr<Exchange> LoadRunner::make_exchange(Exchange::Done done) {
  return std::make_unique<Exchange>(context_, *plan_.target, plan_.timeout, plan_.head_request,
                                    std::move(done));
}

}  // namespace pscgi::load
