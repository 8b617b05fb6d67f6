#pragma once
// What a folder of the site holds, as the site shows it: its subfolders, its pages (*.md) and its
// other files, each one checked through SiteRoot, so a listing never shows what cannot be served
// (a symlink out of the root, a FIFO, a dotfile).

#include "apps/pages/site_root.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pscgi::apps::pages {

enum class EntryKind { folder, page, file };

struct FolderEntry {
  std::string name;  ///< the file name, e.g. "cache.md"
  EntryKind kind = EntryKind::file;
  /// The link from a page of the same folder: "sub/" for a folder; the name without ".md" for a page
  /// (with it, when another entry has that name); the name itself for a file. URL-encoded.
  std::string href;
  /// What a reader sees: the name, without ".md" for a page.
  std::string label;
};

struct Folder {
  std::vector<std::string> names;    ///< where it is: the names from the root ("" none for the root)
  std::vector<FolderEntry> entries;  ///< folders, then pages, then files, each sorted by name
  struct stat info {};  ///< the folder's own fstat: its mtime moves when an entry is added, removed or renamed
  /// The entry that is this folder's index, if it has one (option `index`; a page or a file).
  std::optional<std::size_t> index_entry;
};

/// Reads the folder at `names`, which `directory` is (opened by root.open(relative_path(names))).
/// nullopt when `directory` is not a directory or cannot be read.
std::optional<Folder> read_folder(const SiteRoot& root, const std::vector<std::string>& names, OpenedFile directory,
                                  std::string_view index_name);

/// True for a file name the app renders as a page.
bool is_page_name(std::string_view name) noexcept;

/// The names joined with '/' ("" for none): the path SiteRoot::open takes.
std::string relative_path(const std::vector<std::string>& names);

}  // namespace pscgi::apps::pages
