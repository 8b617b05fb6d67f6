#include "apps/pages/markdown.hpp"

#include <md4c-html.h>
#include <md4c.h>

#include <array>
#include <map>
#include <stdexcept>

namespace pscgi::apps::pages {
namespace {

constexpr unsigned parser_flags = MD_DIALECT_GITHUB;

void append_chunk(const MD_CHAR* text, MD_SIZE size, void* userdata) {
  static_cast<std::string*>(userdata)->append(text, size);
}

// md4c writes an opening heading tag exactly as "<hN>", so this finds the ones it made (a raw HTML
// heading with attributes is left as its author wrote it). Returns the level, or 0.
int heading_level_at(std::string_view html, std::size_t at) noexcept {
  if (at + 4 > html.size() || html[at] != '<' || html[at + 1] != 'h' || html[at + 3] != '>') return 0;
  const char digit = html[at + 2];
  return digit >= '1' && digit <= '6' ? digit - '0' : 0;
}

// The text of an HTML fragment: tags dropped, md4c's escapes (& < > ") turned back into characters.
std::string text_of(std::string_view fragment) {
  static constexpr std::array<std::pair<std::string_view, char>, 5> entities{
      {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}}};
  std::string text;
  for (std::size_t i = 0; i < fragment.size(); ++i) {
    if (fragment[i] == '<') {
      const std::size_t close = fragment.find('>', i);
      if (close == std::string_view::npos) break;
      i = close;
      continue;
    }
    bool decoded = false;
    for (const auto& [entity, character] : entities) {
      if (fragment.substr(i, entity.size()) == entity) {
        text.push_back(character);
        i += entity.size() - 1;
        decoded = true;
        break;
      }
    }
    if (!decoded) text.push_back(fragment[i]);
  }
  return text;
}

}  // namespace

std::string heading_slug(std::string_view text) {
  std::string slug;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c >= 'A' && c <= 'Z') {
      slug.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || byte >= 0x80) {
      slug.push_back(c);
    } else if (c == ' ') {
      slug.push_back('-');
    }
  }
  return slug;
}

std::string add_heading_ids(std::string_view html, std::string& first_heading) {
  std::string out;
  out.reserve(html.size() + html.size() / 16);
  std::map<std::string, int, std::less<>> used;
  bool seen_heading = false;
  std::size_t copied = 0;
  for (std::size_t at = html.find("<h"); at != std::string_view::npos; at = html.find("<h", at + 1)) {
    const int level = heading_level_at(html, at);
    if (level == 0) continue;
    const std::string closing = "</h" + std::to_string(level) + ">";
    const std::size_t content = at + 4;
    const std::size_t end = html.find(closing, content);
    if (end == std::string_view::npos) break;
    const std::string text = text_of(html.substr(content, end - content));
    if (!seen_heading) {
      first_heading = text;
      seen_heading = true;
    }
    std::string slug = heading_slug(text);
    if (slug.empty()) continue;
    if (const int repeats = used[slug]++; repeats > 0) slug += "-" + std::to_string(repeats);
    out.append(html.substr(copied, at - copied));
    out += "<h" + std::to_string(level) + " id=\"" + slug + "\">";
    copied = content;
  }
  out.append(html.substr(copied));
  return out;
}

RenderedMarkdown render_markdown(std::string_view markdown) {
  std::string html;
  html.reserve(markdown.size() + markdown.size() / 2);
  // md_html fails only when md4c cannot allocate memory.
  if (md_html(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &append_chunk, &html, parser_flags,
              MD_HTML_FLAG_SKIP_UTF8_BOM) != 0) {
    throw std::runtime_error("md4c could not render the page");
  }
  RenderedMarkdown rendered;
  rendered.html = add_heading_ids(html, rendered.title);
  return rendered;
}

}  // namespace pscgi::apps::pages
