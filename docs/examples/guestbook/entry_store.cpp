#include "entry_store.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace guestbook {
namespace {

std::string system_error_text(const std::string& what) { return what + ": " + std::strerror(errno); }

// Opens the file for appending, creating it if needed; the caller closes the descriptor.
int open_for_append(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(system_error_text("cannot open " + path + " for appending"));
  return fd;
}

std::string to_json_line(const Entry& entry) {
  const nlohmann::json object = {{"name", entry.name}, {"message", entry.message}, {"time", entry.time}};
  // A form may carry bytes that are not UTF-8: they are stored as U+FFFD rather than refused.
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

bool from_json_line(const std::string& line, Entry& entry) {
  const nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
  if (!object.is_object()) return false;
  for (const char* key : {"name", "message", "time"}) {
    if (!object.contains(key) || !object[key].is_string()) return false;
  }
  entry = Entry{object["name"].get<std::string>(), object["message"].get<std::string>(),
                object["time"].get<std::string>()};
  return true;
}

}  // namespace

EntryStore::EntryStore(std::string directory) : path_(directory + "/entries.jsonl") {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) throw std::runtime_error("cannot create " + directory + ": " + error.message());
  ::close(open_for_append(path_));  // fails now, at startup, rather than at the first post
}

void EntryStore::add(const Entry& entry) const {
  const std::string line = to_json_line(entry);
  const int fd = open_for_append(path_);
  const ssize_t written = ::write(fd, line.data(), line.size());
  const int saved_errno = errno;
  ::close(fd);
  errno = saved_errno;
  if (written < 0) throw std::runtime_error(system_error_text("cannot append to " + path_));
  if (static_cast<std::size_t>(written) != line.size()) throw std::runtime_error("short write to " + path_);
}

std::vector<Entry> EntryStore::newest(std::size_t count) const {
  std::ifstream file(path_);
  if (!file) throw std::runtime_error(system_error_text("cannot read " + path_));
  std::deque<Entry> last;
  Entry entry;
  for (std::string line; std::getline(file, line);) {
    if (!from_json_line(line, entry)) continue;
    last.push_back(std::move(entry));
    if (last.size() > count) last.pop_front();
  }
  return {last.rbegin(), last.rend()};
}

std::string utc_timestamp(std::chrono::system_clock::time_point now) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace guestbook
