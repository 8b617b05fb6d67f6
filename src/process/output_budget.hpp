#pragma once
// The bytes of answers a worker holds for peers that are not taking them (limits.max_pending_output).
//
// A worker writes an answer as fast as its peer reads it; once the socket's buffer is full the
// connection waits in Asio, holding its whole answer, until the peer reads on or write_timeout
// ends it. A peer that asks for a large page and never reads pins that page for write_timeout, and
// ten such peers pin ten pages. The budget counts what the waiting connections hold and, past its
// bound, closes the one that has gone longest without taking a byte: the peer that is costing the
// memory pays for it, while readers (whose place is renewed at every byte they take) go on, and the
// worker keeps accepting. Stopping accepts instead would turn a handful of raw-socket peers into an
// outage for every client of the worker.
//
// A response shared by several waiting connections (a cached page) is counted once: it is in
// memory once. It is counted even while the cache still has it, since a waiting peer keeps it
// alive after the cache lets it go.

#include "protocol/outgoing_response.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pscgi::process {

/// A connection whose answer waits for its peer, as the budget sees it.
class StalledWriter {
 public:
  /// What the budget knows when it sheds a writer, for its log line.
  struct Shedding {
    std::size_t held;     ///< the bytes its answer keeps alive (a shared response counted whole)
    std::size_t pending;  ///< what every waiting connection of the worker held, this one included
    std::size_t bound;    ///< limits.max_pending_output
  };
  /// What the peer has taken of its answer: the bytes written less what still waits in the socket's
  /// queue. Only its growth means something (the peer read, perhaps before the worker got round to
  /// writing more); on a unix socket the queue is counted with the kernel's overhead, so the value
  /// itself may even be negative.
  virtual std::int64_t taken() const noexcept = 0;
  /// Whether the peer has taken everything written so far (the socket's queue is empty): it waits
  /// for the worker, not the other way round.
  virtual bool drained() const noexcept = 0;
  /// Close now: the worker is over its budget and this writer went longest without taking a byte.
  /// It must leave the budget (OutputBudget::remove, or its Seat's release) before it returns.
  virtual void shed(const Shedding& why) noexcept = 0;

 protected:
  ~StalledWriter() = default;
};

class OutputBudget {
 public:
  /// `max_bytes` 0: no bound (counted, never shed).
  explicit OutputBudget(std::size_t max_bytes) noexcept : max_bytes_(max_bytes) {}
  OutputBudget(const OutputBudget&) = delete;
  OutputBudget& operator=(const OutputBudget&) = delete;

  /// `writer` waits to write an answer that shares `shared` (`shared_bytes` long; null for none)
  /// and owns `own_bytes` more. It becomes the most recent writer: call it again when the writer
  /// has taken bytes since, which moves it behind every writer that has not.
  void stalled(StalledWriter& writer, const void* shared, std::size_t shared_bytes, std::size_t own_bytes);
  /// `writer` no longer waits (its answer is written, or it is closed). Nothing if it was not held.
  void remove(const StalledWriter& writer) noexcept;
  /// While over the bound and more than one writer waits, sheds the writer that went longest
  /// without progress. A writer whose peer took bytes since it last stalled, or took all it was given
  /// (the worker may not have seen it yet: it was busy), is moved behind the others instead. One writer alone is never shed:
  /// a single answer larger than the bound is still delivered, to a peer that reads. Returns how
  /// many were shed.
  std::size_t enforce() noexcept;

  std::size_t bytes() const noexcept { return bytes_; }
  std::size_t writers() const noexcept { return entries_.size(); }
  std::size_t max_bytes() const noexcept { return max_bytes_; }
  bool over() const noexcept { return max_bytes_ != 0 && bytes_ > max_bytes_; }

  /// A connection's place in a budget: it takes it when its write would block, renews it after
  /// progress, and gives it up when the write ends or the connection closes (at the latest when
  /// the seat is destroyed, so the budget must outlive its seats).
  class Seat {
   public:
    Seat() = default;
    Seat(const Seat&) = delete;
    Seat& operator=(const Seat&) = delete;
    ~Seat() { release(); }

    /// The write of `answer` would block: joins `budget` (null: none), or moves to its back when
    /// bytes were taken since the last call; then lets the budget enforce its bound.
    void stalled(OutputBudget* budget, StalledWriter& writer, const protocol::OutgoingResponse& answer);
    void release() noexcept;
    bool held() const noexcept { return budget_ != nullptr; }

   private:
    OutputBudget* budget_ = nullptr;
    const StalledWriter* writer_ = nullptr;
    std::size_t written_ = 0;  ///< how much of the answer was out at the last call
  };

 private:
  struct Entry {
    StalledWriter* writer;
    const void* shared;
    std::size_t shared_bytes;
    std::size_t own_bytes;
    std::int64_t taken;  ///< the writer's taken() when it stalled
  };

  /// Whether another entry than `except` shares `shared`.
  bool shared_elsewhere(const void* shared, const Entry* except) const noexcept;
  std::size_t held_by(const Entry& entry) const noexcept { return entry.shared_bytes + entry.own_bytes; }
  void erase(std::vector<Entry>::iterator it) noexcept;

  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::vector<Entry> entries_;  ///< the one with the oldest progress first
};

}  // namespace pscgi::process
