#include "apps/pages/folder.hpp"

#include "apps/pages/page_template.hpp"

#include <dirent.h>

#include <algorithm>
#include <memory>

namespace pscgi::apps::pages {
namespace {

struct DirCloser {
  void operator()(DIR* dir) const noexcept { ::closedir(dir); }
};

std::string child_of(const std::vector<std::string>& folder, std::string_view name) {
  std::string path = relative_path(folder);
  if (!path.empty()) path.push_back('/');
  path += name;
  return path;
}

std::optional<EntryKind> kind_of(const SiteRoot& root, const std::vector<std::string>& folder, const std::string& name) {
  const OpenedFile opened = root.open(child_of(folder, name));
  if (opened.is_directory()) return EntryKind::folder;
  if (opened.is_regular()) return is_page_name(name) ? EntryKind::page : EntryKind::file;
  return std::nullopt;  // not there any more, a special file, or a way out of the root
}

std::vector<std::string> visible_names(DIR* dir) {
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name.empty() || name.starts_with('.')) continue;  // ".", ".." and dotfiles are never served
    names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void set_links(std::vector<FolderEntry>& entries) {
  auto has_entry = [&entries](std::string_view name) {
    return std::any_of(entries.begin(), entries.end(), [&](const FolderEntry& e) { return e.name == name; });
  };
  for (FolderEntry& entry : entries) {
    switch (entry.kind) {
      case EntryKind::folder:
        entry.label = entry.name;
        entry.href = url_segment(entry.name) + "/";
        break;
      case EntryKind::page:
        entry.label = entry.name.substr(0, entry.name.size() - 3);
        // "/notes" serves notes.md only while nothing else is called "notes".
        entry.href = url_segment(has_entry(entry.label) ? entry.name : entry.label);
        break;
      case EntryKind::file:
        entry.label = entry.name;
        entry.href = url_segment(entry.name);
        break;
    }
  }
}

}  // namespace

bool is_page_name(std::string_view name) noexcept { return name.size() > 3 && name.ends_with(".md"); }

std::string relative_path(const std::vector<std::string>& names) {
  std::string path;
  for (const std::string& name : names) {
    if (!path.empty()) path.push_back('/');
    path += name;
  }
  return path;
}

std::optional<Folder> read_folder(const SiteRoot& root, const std::vector<std::string>& names, OpenedFile opened,
                                  std::string_view index_name) {
  if (!opened.is_directory()) return std::nullopt;
  std::unique_ptr<DIR, DirCloser> dir(::fdopendir(opened.handle.get()));
  if (!dir) return std::nullopt;
  opened.handle.release();  // the DIR owns the descriptor now

  Folder folder;
  folder.names = names;
  folder.info = opened.info;
  for (std::string& name : visible_names(dir.get())) {
    if (const auto kind = kind_of(root, names, name)) folder.entries.push_back({std::move(name), *kind, {}, {}});
  }
  // Folders first, then pages, then files; the names are already sorted within each kind.
  std::stable_sort(folder.entries.begin(), folder.entries.end(),
                   [](const FolderEntry& a, const FolderEntry& b) { return a.kind < b.kind; });
  set_links(folder.entries);
  for (std::size_t i = 0; i < folder.entries.size(); ++i) {
    const FolderEntry& entry = folder.entries[i];
    if (entry.kind != EntryKind::folder && entry.name == index_name) folder.index_entry = i;
  }
  return folder;
}

}  // namespace pscgi::apps::pages
