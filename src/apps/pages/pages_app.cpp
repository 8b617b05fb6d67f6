#include "apps/pages/pages_app.hpp"

#include "apps/pages/markdown.hpp"
#include "apps/pages/mime_types.hpp"
#include "apps/pages/navigation.hpp"
#include "apps/pages/page_template.hpp"
#include "apps/pages/site_responses.hpp"
#include "protocol/scgi_error.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace pscgi::apps::pages {
namespace {

using protocol::printable;

bool is_missing(int error) noexcept { return error == ENOENT || error == ENOTDIR; }

// Why a name that passed the path check could still not be served. A missing file is an ordinary
// 404 (the access log has it); anything else is worth a line in the error log.
ResponsePtr not_served(const OpenedFile& file, std::string_view target) {
  if (is_missing(file.error)) return error_response(404);
  if (file.error == EXDEV) {
    spdlog::warn("pages: refused {}: a symlink on the way leads out of the site's root", printable(target));
  } else if (file.error == ELOOP) {
    spdlog::warn("pages: refused {}: a symlink on the way is not followed (too many, or openat2 is unavailable)",
                 printable(target));
  } else if (file.error != 0) {
    spdlog::warn("pages: cannot open {}: {}", printable(target), std::strerror(file.error));
  } else {
    spdlog::warn("pages: refused {}: not a regular file or folder", printable(target));
  }
  return error_response(404);
}

// "/dir?x" → "/dir/?x": the folder's URL, so that its page's relative links resolve inside it.
std::string folder_url(std::string_view target) {
  const std::size_t query = target.find('?');
  std::string url(target.substr(0, query));
  url.push_back('/');
  if (query != std::string_view::npos) url += target.substr(query);
  return url;
}

std::string stem(std::string_view name) { return std::string(name.substr(0, name.size() - 3)); }

}  // namespace

PagesApp::PagesApp(PagesOptions options, std::optional<Containment> containment)
    : options_(std::move(options)), root_(options_.root, containment) {}

ResponsePtr PagesApp::handle(const Request& request) {
  const std::string_view method = request.method();
  if (method != "GET" && method != "HEAD") {
    return ResponseBuilder(405).header("Allow", "GET, HEAD").content_type("text/plain; charset=utf-8")
        .body("405 Method Not Allowed\n").finish();
  }
  // REQUEST_URI as the client sent it, not nginx's decoded and normalised DOCUMENT_URI: the checks
  // must see %2f, %2e%2e and // for what they are.
  const std::string_view target = request.uri().empty() ? request.path() : request.uri();
  auto parsed = parse_request_path(target);
  if (const auto* refusal = std::get_if<PathRefusal>(&parsed)) {
    spdlog::warn("pages: refused {}: {}", printable(target), refusal->reason);
    return error_response(refusal->status);
  }
  const SitePath& path = std::get<SitePath>(parsed);
  return path.trailing_slash ? serve_folder(path, target) : serve_name(path, target);
}

std::optional<Folder> PagesApp::open_folder(const std::vector<std::string>& names, std::string_view target,
                                            ResponsePtr& failure) const {
  OpenedFile directory = root_.open(relative_path(names));
  if (!directory.is_directory()) {
    // "/page.md/" names a file as a folder: there is no such folder.
    failure = directory.is_regular() ? error_response(404) : not_served(directory, target);
    return std::nullopt;
  }
  std::optional<Folder> folder = read_folder(root_, names, std::move(directory), options_.index);
  if (!folder) {
    spdlog::warn("pages: cannot list the folder for {}: {}", printable(target), std::strerror(errno));
    failure = error_response(500);
  }
  return folder;
}

ResponsePtr PagesApp::serve_folder(const SitePath& path, std::string_view target) {
  ResponsePtr failure;
  const std::optional<Folder> folder = open_folder(path.names, target, failure);
  if (!folder) return failure;
  if (folder->index_entry) {
    const std::string& name = folder->entries[*folder->index_entry].name;
    std::vector<std::string> names = path.names;
    names.push_back(name);
    const OpenedFile file = root_.open(relative_path(names));
    if (!file.is_regular()) return not_served(file, target);
    return is_page_name(name) ? serve_page(*folder, name, file, target) : serve_file(name, file, target);
  }
  if (!options_.listing) return error_response(404);
  return serve_listing(*folder);
}

ResponsePtr PagesApp::serve_name(const SitePath& path, std::string_view target) {
  std::string relative = relative_path(path.names);
  std::string name = path.names.back();
  OpenedFile file = root_.open(relative);
  if (file.is_directory()) return redirect_response(folder_url(target));
  if (is_missing(file.error) && !is_page_name(name)) {
    name += ".md";
    file = root_.open(relative + ".md");
  }
  if (!file.is_regular()) return not_served(file, target);
  const std::vector<std::string> folder_names(path.names.begin(), path.names.end() - 1);
  if (!is_page_name(name)) return serve_file(name, file, target);
  ResponsePtr failure;
  const std::optional<Folder> folder = open_folder(folder_names, target, failure);
  return folder ? serve_page(*folder, name, file, target) : failure;
}

ResponsePtr PagesApp::serve_file(const std::string& name, const OpenedFile& file, std::string_view target) {
  std::optional<std::string> bytes = read_whole_file(file, max_file_bytes);
  if (!bytes) {
    spdlog::error("pages: cannot serve {} ({} bytes; the limit is {}): {}", printable(target), file.info.st_size,
                  max_file_bytes, std::strerror(errno));
    return error_response(500);
  }
  return content_response(std::move(*bytes), mime_type_for(name), modified_time(file.info));
}

ResponsePtr PagesApp::serve_page(const Folder& folder, const std::string& name, const OpenedFile& file,
                                 std::string_view target) {
  const std::optional<std::string> markdown = read_whole_file(file, max_file_bytes);
  if (!markdown) {
    spdlog::error("pages: cannot serve {} ({} bytes; the limit is {}): {}", printable(target), file.info.st_size,
                  max_file_bytes, std::strerror(errno));
    return error_response(500);
  }
  const RenderedMarkdown rendered = render_markdown(*markdown);
  const std::string title = rendered.title.empty() ? stem(name) : rendered.title;
  const bool is_index = name == options_.index;
  const std::string breadcrumbs = breadcrumbs_html(folder.names, is_index ? "" : title, options_.title);
  const std::string navigation = navigation_html(folder, name, options_.title);
  std::string html = render_page({title, options_.title, breadcrumbs, navigation, rendered.html});
  // The page shows its folder too: a page added beside it changes it (the folder's mtime moves).
  const auto modified = std::max(modified_time(file.info), modified_time(folder.info));
  return content_response(std::move(html), "text/html; charset=utf-8", modified);
}

ResponsePtr PagesApp::serve_listing(const Folder& folder) const {
  const std::string title = listing_title(folder);
  const std::string breadcrumbs = breadcrumbs_html(folder.names, "", options_.title);
  const std::string content = listing_html(folder);
  std::string html = render_page({title, options_.title, breadcrumbs, "", content});
  return content_response(std::move(html), "text/html; charset=utf-8", modified_time(folder.info));
}

AppPtr make_pages_app(const AppSettings& settings) {
  PagesOptions options = read_pages_options(settings);
  std::unique_ptr<PagesApp> app;
  try {
    app = std::make_unique<PagesApp>(std::move(options));
  } catch (const std::invalid_argument& e) {
    settings.refuse("root", e.what());  // with the file and line of `root:`
  }
  spdlog::info("pages: serving {} ({})", app->root().path(),
               app->root().containment() == Containment::beneath ? "symlinks followed within the root"
                                                                  : "no symlinks followed: openat2 is unavailable");
  return app;
}

}  // namespace pscgi::apps::pages
