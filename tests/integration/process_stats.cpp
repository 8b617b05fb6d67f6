#include "process_stats.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

namespace pscgi::testing {

std::uint64_t status_bytes(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  const std::string prefix = field + ":";
  while (std::getline(status, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::istringstream value(line.substr(prefix.size()));
    std::uint64_t kib = 0;
    if (value >> kib) return kib * 1024;
  }
  throw std::runtime_error("no " + field + " in /proc/" + std::to_string(pid) + "/status");
}

std::string limited_binary(const TempDir& dir, const std::string& name, const std::string& ulimit_arguments,
                           const std::string& binary) {
  const std::string path = dir.file(name);
  write_file(path, "#!/bin/sh\nulimit " + ulimit_arguments + " || exit 99\nexec '" + binary + "' \"$@\"\n");
  if (::chmod(path.c_str(), 0755) != 0) throw std::runtime_error("chmod " + path + " failed");
  return path;
}

}  // namespace pscgi::testing
