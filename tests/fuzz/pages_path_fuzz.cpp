// libFuzzer target for how a request target becomes a file: the pages app's path check
// (parse_request_path) and the whole app over a small site made in a temporary folder, with a
// secret beside the root and symlinks that point out of it; and the CGI gateway's decoding of the
// same target (decode_request_path). The input is a REQUEST_URI as a raw SCGI peer can send it.
// Nothing outside the root may ever be served, and no target may cost a 500.

#include "apps/cgi/request_path.hpp"
#include "apps/pages/pages_app.hpp"
#include "apps/pages/request_path.hpp"
#include "fuzz_support.hpp"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>

namespace {

using namespace pscgi;
using fuzz::require;
namespace fs = std::filesystem;

constexpr std::string_view secret = "SECRET-OUTSIDE-THE-ROOT";

void write_file(const fs::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary) << text;
}

// parent/secret.md (never served) and parent/site/ (the root) with pages, a folder, a dotfile and symlinks.
class Site {
 public:
  Site() {
    char name[] = "/tmp/pscgi-fuzz-pages.XXXXXX";
    require(::mkdtemp(name) != nullptr, "mkdtemp failed");
    parent_ = name;
    const fs::path root = parent_ / "site";
    fs::create_directories(root / "guide" / "deep");
    write_file(parent_ / "secret.md", secret);
    write_file(root / "index.md", "# Home\n\n[guide](guide/)\n");
    write_file(root / "guide" / "index.md", "# Guide\n");
    write_file(root / "guide" / "intro.md", "# Intro\n\nText with *emphasis*.\n");
    write_file(root / "guide" / "deep" / "notes.txt", "notes\n");
    write_file(root / "logo.png", "\x89PNG\r\n");
    write_file(root / ".env", secret);
    fs::create_directory_symlink("guide", root / "inside");
    fs::create_symlink("../secret.md", root / "escape.md");
    fs::create_directory_symlink("..", root / "up");
    // Pages log refusals; a null sink keeps them formatted (the escaping runs) but off the terminal.
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("fuzz", std::make_shared<spdlog::sinks::null_sink_mt>()));
    spdlog::set_level(spdlog::level::trace);
    app_ = std::make_unique<apps::pages::PagesApp>(apps::pages::PagesOptions{(parent_ / "site").string(), "Fuzz"});
  }
  ~Site() {
    app_.reset();
    std::error_code ignored;
    fs::remove_all(parent_, ignored);
  }
  Site(const Site&) = delete;
  Site& operator=(const Site&) = delete;

  apps::pages::PagesApp& app() { return *app_; }

 private:
  fs::path parent_;
  std::unique_ptr<apps::pages::PagesApp> app_;
};

void check_site_path(std::string_view target) {
  const auto parsed = apps::pages::parse_request_path(target);
  if (const auto* refusal = std::get_if<apps::pages::PathRefusal>(&parsed)) {
    require(refusal->status == 400 || refusal->status == 404, "a refusal that is not 400 or 404");
    require(!refusal->reason.empty(), "a refusal without a reason");
    return;
  }
  for (const std::string& name : std::get<apps::pages::SitePath>(parsed).names) {
    require(!name.empty() && name != "." && name != ".." && !name.starts_with('.'), "a dot or empty name passed");
    require(name.find_first_of(std::string_view("/\\\0", 3)) == std::string::npos, "a separator or NUL in a name");
  }
}

void check_cgi_path(std::string_view target) {
  const auto [path, query] = apps::cgi::split_path_and_query(target);
  const apps::cgi::DecodedPath decoded = apps::cgi::decode_request_path(path);
  if (!decoded.ok()) {
    require((decoded.status == 400 || decoded.status == 404) && !decoded.problem.empty(), "a bad refusal");
    return;
  }
  for (const std::string& segment : decoded.segments) {
    require(segment != "." && segment != "..", "a dot segment passed");
    require(segment.find_first_of(std::string_view("/\\\0", 3)) == std::string::npos, "a separator or NUL passed");
  }
  const std::string joined = decoded.join_from(0);
  require(joined.empty() || joined.starts_with('/'), "a joined path without its slash");
}

void check_app(apps::pages::PagesApp& app, std::string_view target) {
  // An SCGI value ends at its NUL: a real request never holds one.
  target = target.substr(0, target.find('\0'));
  const Request request = Request::from_variables({{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", std::string(target)}});
  ResponsePtr response;
  try {
    response = app.handle(request);
  } catch (const std::invalid_argument&) {
    // A redirect to a target with a control byte is refused by ResponseBuilder (a logged 500 upstream).
    require(fuzz::has_control_byte(target), "a response refused for a clean target");
    return;
  }
  const int status = response->status();
  require(status == 200 || status == 301 || status == 400 || status == 404, "an unexpected status");
  // Only a page or file (200) shows a file's bytes; a redirect may echo the target, secret included.
  if (status == 200 || target.find(secret) == std::string_view::npos) {
    require(response->body().find(secret) == std::string_view::npos, "served a file from outside the root");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  static Site site;
  check_site_path(target);
  check_cgi_path(target);
  check_app(site.app(), target);
  return 0;
}
