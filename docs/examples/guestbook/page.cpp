#include "page.hpp"

#include <pscgi/responses.hpp>

namespace guestbook {
namespace {

using pscgi::html_escape;

// Inline CSS: the page makes no request but its own.
constexpr std::string_view kStyle =
    "body{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "form{display:grid;gap:.5rem;margin-bottom:2rem}textarea{min-height:5rem}"
    "article{border-top:1px solid #ddd;padding:.5rem 0}article p{white-space:pre-wrap;margin:.25rem 0}"
    "small{color:#666}";

// The form posts to /entries; the app answers 303 See Other to / (post, redirect, get), so
// reloading the page afterwards does not post the entry again.
constexpr std::string_view kForm =
    "<form method=\"post\" action=\"/entries\">\n"
    "<label>Name <input name=\"name\" maxlength=\"80\" placeholder=\"Anonymous\"></label>\n"
    "<label>Message <textarea name=\"message\" maxlength=\"2000\" required></textarea></label>\n"
    "<button type=\"submit\">Sign the guestbook</button>\n"
    "</form>\n";

std::string render_entry(const Entry& entry) {
  return "<article><strong>" + html_escape(entry.name) + "</strong> <small>" + html_escape(entry.time) +
         "</small>\n<p>" + html_escape(entry.message) + "</p></article>\n";
}

}  // namespace

std::string render_page(std::string_view title, const std::vector<Entry>& entries) {
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  page += html_escape(title);
  page += "</title>\n<style>";
  page += kStyle;
  page += "</style>\n</head>\n<body>\n<h1>" + html_escape(title) + "</h1>\n";
  page += kForm;
  if (entries.empty()) page += "<p>No entries yet: be the first.</p>\n";
  for (const Entry& entry : entries) page += render_entry(entry);
  page += "</body>\n</html>\n";
  return page;
}

}  // namespace guestbook
