#include "apps/pages/page_template.hpp"

#include <fmt/format.h>

namespace pscgi::apps::pages {
namespace {

// Readable on a phone and on a wide screen, light or dark, with the system's own fonts.
constexpr std::string_view style = R"css(
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0;
  --code-bg: #f6f8fa; --link: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1;
  --line: #3d444d; --code-bg: #161b22; --link: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); line-height: 1.6;
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
header.site { border-bottom: 1px solid var(--line); padding: .75rem 1.5rem; }
header.site ol { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem; }
header.site li + li::before { content: "/"; color: var(--muted); margin-right: .4rem; }
header.site li:first-child { font-weight: 600; }
.layout { display: flex; gap: 2.5rem; max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
nav.folder { flex: 0 0 13rem; font-size: .95rem; }
nav.folder h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 0 0 .5rem; }
nav.folder ul { list-style: none; margin: 0; padding: 0; }
nav.folder li { margin: .15rem 0; }
nav.folder a[aria-current] { font-weight: 600; color: var(--fg); }
main { flex: 1; min-width: 0; max-width: 50rem; }
h1, h2, h3 { line-height: 1.25; margin: 1.5em 0 .5em; }
h1 { font-size: 2em; margin-top: 0; padding-bottom: .3em; border-bottom: 1px solid var(--line); }
h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid var(--line); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
code { background: var(--code-bg); padding: .1em .35em; border-radius: 4px; }
pre { background: var(--code-bg); padding: 1rem; overflow-x: auto; border-radius: 6px; line-height: 1.45; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; display: block; overflow-x: auto; margin: 1rem 0; }
th, td { border: 1px solid var(--line); padding: .4rem .8rem; text-align: left; vertical-align: top; }
th { background: var(--code-bg); }
blockquote { margin: 1rem 0; padding: 0 1rem; color: var(--muted); border-left: 4px solid var(--line); }
img { max-width: 100%; }
ul.listing { list-style: none; padding: 0; }
ul.listing li { padding: .3rem 0; border-bottom: 1px solid var(--line); }
footer { color: var(--muted); font-size: .85rem; text-align: center; padding: 2rem 1rem; }
@media (max-width: 48rem) { .layout { flex-direction: column; gap: 1rem; } nav.folder { flex: none; } }
)css";

bool is_plain_url_byte(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '!' || c == '$' || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' ||
         c == ';' || c == '=' || c == '@';
}

}  // namespace

std::string url_segment(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (is_plain_url_byte(c)) {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

std::string document_title(std::string_view title, std::string_view site_title) {
  if (title.empty()) return std::string(site_title);
  if (site_title.empty() || title == site_title) return std::string(title);
  return fmt::format("{} — {}", title, site_title);
}

std::string render_page(const PageParts& parts) {
  const std::string navigation =
      parts.navigation_html.empty() ? std::string() : fmt::format("<nav class=\"folder\">\n{}</nav>\n", parts.navigation_html);
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n"
      "<header class=\"site\">\n<nav aria-label=\"Breadcrumb\">\n{}</nav>\n</header>\n"
      "<div class=\"layout\">\n{}<main>\n{}</main>\n</div>\n"
      "<footer>Served by pscgi</footer>\n</body>\n</html>\n",
      html_escape(document_title(parts.title, parts.site_title)), style, parts.breadcrumbs_html, navigation,
      parts.content_html);
}

}  // namespace pscgi::apps::pages
