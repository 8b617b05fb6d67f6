#pragma once
// A site on disk for the pages app's tests: a fresh folder under /tmp with files, folders and
// symlinks made to order, removed with everything in it at the end. Also: a request to an app, and
// the error log captured while a block runs.

#include "apps/pages/pages_app.hpp"

#include <pscgi/request.hpp>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pscgi::apps::pages::test_support {

class TempSite {
 public:
  TempSite() {
    std::string pattern = (std::filesystem::temp_directory_path() / "pscgi-pages-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    base_ = pattern;
    std::filesystem::create_directory(root());
  }
  ~TempSite() {
    std::error_code ignored;
    std::filesystem::remove_all(base_, ignored);
  }
  TempSite(const TempSite&) = delete;
  TempSite& operator=(const TempSite&) = delete;

  /// The site's root folder. Its parent (base) holds files outside the site, for escape attempts.
  std::string root() const { return base_ + "/site"; }
  std::string outside(const std::string& name) const { return base_ + "/" + name; }
  std::string path(const std::string& relative) const { return root() + "/" + relative; }

  /// Writes a file in the site (making its folders); returns its path.
  std::string write(const std::string& relative, const std::string& text) const {
    return write_at(path(relative), text);
  }
  static std::string write_at(const std::string& full_path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(full_path).parent_path());
    std::ofstream(full_path, std::ios::binary | std::ios::trunc) << text;
    return full_path;
  }
  void folder(const std::string& relative) const { std::filesystem::create_directories(path(relative)); }
  void symlink(const std::string& target, const std::string& relative) const {
    std::filesystem::create_symlink(target, path(relative));
  }
  /// Sets a file's (or folder's) modification time to `seconds` since the epoch.
  void set_mtime(const std::string& relative, long seconds) const {
    const timeval times[2] = {{seconds, 0}, {seconds, 0}};
    if (::utimes(path(relative).c_str(), times) != 0) throw std::runtime_error("utimes failed");
  }

  PagesOptions options() const {
    PagesOptions options;
    options.root = root();
    return options;
  }

 private:
  std::string base_;
};

/// A request as nginx sends it: REQUEST_URI raw, DOCUMENT_URI decoded (here: the same).
inline Request request_for(const std::string& uri, const std::string& method = "GET",
                           std::vector<std::pair<std::string, std::string>> extra = {}) {
  std::vector<std::pair<std::string, std::string>> variables = {
      {"REQUEST_METHOD", method}, {"REQUEST_URI", uri}, {"HTTP_HOST", "example.com"}};
  for (auto& variable : extra) variables.push_back(std::move(variable));
  return Request::from_variables(variables);
}

/// What the default logger printed while `run` ran.
inline std::string captured_log(const std::function<void()>& run) {
  std::ostringstream out;
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out)));
  try {
    run();
  } catch (...) {
    spdlog::set_default_logger(previous);
    throw;
  }
  spdlog::set_default_logger(previous);
  return out.str();
}

}  // namespace pscgi::apps::pages::test_support
