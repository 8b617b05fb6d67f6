#include "apps/pages/navigation.hpp"

#include "apps/pages/page_template.hpp"

#include <fmt/format.h>

namespace pscgi::apps::pages {
namespace {

// The relative link from a page of a folder at `depth` to its ancestor at `ancestor_depth`.
std::string up_link(std::size_t depth, std::size_t ancestor_depth) {
  if (depth == ancestor_depth) return "./";
  std::string link;
  for (std::size_t i = ancestor_depth; i < depth; ++i) link += "../";
  return link;
}

std::string site_label(std::string_view site_title) { return site_title.empty() ? "Home" : std::string(site_title); }

std::string folder_label(const Folder& folder, std::string_view site_title) {
  return folder.names.empty() ? site_label(site_title) : folder.names.back();
}

std::string link_item(std::string_view href, std::string_view label, bool current) {
  return fmt::format("<li><a href=\"{}\"{}>{}</a></li>\n", html_escape(href), current ? " aria-current=\"page\"" : "",
                     html_escape(label));
}

}  // namespace

std::string breadcrumbs_html(const std::vector<std::string>& folder, std::string_view page_label,
                             std::string_view site_title) {
  const std::size_t depth = folder.size();
  std::string html = "<ol>\n";
  for (std::size_t level = 0; level <= depth; ++level) {
    const std::string label = level == 0 ? site_label(site_title) : folder[level - 1];
    if (level == depth && page_label.empty()) {
      html += fmt::format("<li aria-current=\"page\">{}</li>\n", html_escape(label));
    } else {
      html += fmt::format("<li><a href=\"{}\">{}</a></li>\n", up_link(depth, level), html_escape(label));
    }
  }
  if (!page_label.empty()) html += fmt::format("<li aria-current=\"page\">{}</li>\n", html_escape(page_label));
  return html + "</ol>\n";
}

std::string navigation_html(const Folder& folder, std::string_view current, std::string_view site_title) {
  std::string html = fmt::format("<h2>{}</h2>\n<ul>\n", html_escape(folder_label(folder, site_title)));
  if (!folder.names.empty()) {
    const std::string parent = folder.names.size() == 1 ? site_label(site_title) : folder.names[folder.names.size() - 2];
    html += link_item("../", "↑ " + parent, false);
  }
  for (std::size_t i = 0; i < folder.entries.size(); ++i) {
    const FolderEntry& entry = folder.entries[i];
    if (entry.kind == EntryKind::file) continue;
    const bool is_index = folder.index_entry == i;
    html += link_item(is_index ? "./" : entry.href, entry.kind == EntryKind::folder ? entry.label + "/" : entry.label,
                      entry.name == current);
  }
  return html + "</ul>\n";
}

std::string listing_title(const Folder& folder) {
  std::string path = "/";
  for (const std::string& name : folder.names) path += name + "/";
  return "Index of " + path;
}

std::string listing_html(const Folder& folder) {
  std::string html = fmt::format("<h1>{}</h1>\n<ul class=\"listing\">\n", html_escape(listing_title(folder)));
  if (!folder.names.empty()) html += link_item("../", "../", false);
  for (const FolderEntry& entry : folder.entries) {
    html += link_item(entry.href, entry.kind == EntryKind::folder ? entry.label + "/" : entry.label, false);
  }
  if (folder.entries.empty()) html += "<li>(empty)</li>\n";
  return html + "</ul>\n";
}

}  // namespace pscgi::apps::pages
