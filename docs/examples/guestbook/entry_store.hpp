#pragma once
// The guestbook's entries, kept in one file of JSON lines (one entry per line) under the app's
// data_dir. Every worker appends to and reads the same file, so an entry posted to one worker is
// shown by all of them, and the book survives a restart.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace guestbook {

struct Entry {
  std::string name;
  std::string message;
  std::string time;  ///< when it was posted, UTC, e.g. "2024-05-01T12:00:00Z"
};

class EntryStore {
 public:
  /// Uses `directory`/entries.jsonl, creating the directory and the file if they are missing.
  /// Throws std::runtime_error when they cannot be created or the file cannot be written.
  explicit EntryStore(std::string directory);

  /// Appends one entry. One write(2) on a file opened with O_APPEND: entries appended by two
  /// workers at once land one after the other, never inside each other. Throws on a failed write.
  void add(const Entry& entry) const;

  /// The newest `count` entries, newest first. A line that is not an entry (a file edited by hand)
  /// is skipped. Reads the whole file: fine for a guestbook, not for a log of millions of lines.
  std::vector<Entry> newest(std::size_t count) const;

  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

/// `now` as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_timestamp(std::chrono::system_clock::time_point now);

}  // namespace guestbook
