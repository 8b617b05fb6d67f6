#include "process/output_budget.hpp"

#include <algorithm>

namespace pscgi::process {

// A worker holds a few waiting connections at a time, rarely more than a few hundred: a vector in
// order of progress, searched from end to end, is simpler than any index and fast enough.
void OutputBudget::stalled(StalledWriter& writer, const void* shared, std::size_t shared_bytes, std::size_t own_bytes) {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.writer == &writer; });
  if (it != entries_.end()) erase(it);
  if (shared == nullptr) shared_bytes = 0;
  if (shared_bytes != 0 && !shared_elsewhere(shared, nullptr)) bytes_ += shared_bytes;
  bytes_ += own_bytes;
  entries_.push_back({&writer, shared, shared_bytes, own_bytes, writer.taken()});
}

void OutputBudget::remove(const StalledWriter& writer) noexcept {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.writer == &writer; });
  if (it != entries_.end()) erase(it);
}

void OutputBudget::erase(std::vector<Entry>::iterator it) noexcept {
  if (it->shared_bytes != 0 && !shared_elsewhere(it->shared, &*it)) bytes_ -= it->shared_bytes;
  bytes_ -= it->own_bytes;
  entries_.erase(it);
}

bool OutputBudget::shared_elsewhere(const void* shared, const Entry* except) const noexcept {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return &e != except && e.shared == shared && e.shared_bytes != 0; });
}

// Each writer is looked at once at most: one that was moved behind for its progress is not judged
// again in the same call.
std::size_t OutputBudget::enforce() noexcept {
  std::size_t shed = 0;
  for (std::size_t looked = 0, writers = entries_.size(); over() && entries_.size() > 1 && looked < writers; ++looked) {
    Entry oldest = entries_.front();
    if (const std::int64_t taken = oldest.writer->taken(); taken > oldest.taken || oldest.writer->drained()) {
      entries_.erase(entries_.begin());
      oldest.taken = taken;
      entries_.push_back(oldest);
      continue;
    }
    oldest.writer->shed({held_by(oldest), bytes_, max_bytes_});
    remove(*oldest.writer);  // in case the writer did not: the loop must end
    ++shed;
  }
  return shed;
}

void OutputBudget::Seat::stalled(OutputBudget* budget, StalledWriter& writer, const protocol::OutgoingResponse& answer) {
  if (budget == nullptr) return;
  if (budget_ == budget && writer_ == &writer && answer.written() == written_) return;  // no progress since
  if (budget_ != nullptr && budget_ != budget) release();
  budget_ = budget;
  writer_ = &writer;
  written_ = answer.written();
  budget->stalled(writer, answer.response().get(), answer.shared_bytes(), answer.own_bytes());
  budget->enforce();
}

void OutputBudget::Seat::release() noexcept {
  if (budget_ == nullptr) return;
  OutputBudget* budget = budget_;
  budget_ = nullptr;  // first: remove() may reach a writer that releases again
  budget->remove(*writer_);
}

}  // namespace pscgi::process
