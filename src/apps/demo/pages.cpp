// The plain pages of the demo app: the index, /hello and the 404 page.
#include "apps/demo/html.hpp"
#include "apps/demo/routes.hpp"

#include <fmt/format.h>

#include <array>
#include <unistd.h>

namespace pscgi::apps::demo {
namespace {

// Links beyond each route's own example, for trying the cache rules by hand.
constexpr std::array<std::string_view, 7> more_examples{
    "/work?ms=0&kb=1024",
    "/respond?status=404&body=not+here",
    "/respond?h=Cache-Control:private&body=private+page",
    "/respond?ttl=5&body=cached+for+5+seconds",
    "/respond?nocache=1&h=Set-Cookie:session%3Dabc&body=uncacheable",
    "/respond?h=Vary:Accept-Encoding&h=ETag:%22v1%22&body=varies",
    "/respond?raise=1",
};

std::string link(std::string_view target) {
  const std::string escaped = html_escape(target);
  return fmt::format("<a href=\"{0}\"><code>{0}</code></a>", escaped);
}

}  // namespace

ResponsePtr index_route(const RouteContext& context) {
  (void)context;
  std::string body = "<p>The pscgi demo app. Routes:</p>\n<ul>\n";
  for (const Route& route : demo_routes()) {
    fmt::format_to(std::back_inserter(body), "<li>{} &mdash; {}</li>\n", link(route.example),
                   html_escape(route.summary));
  }
  body += "</ul>\n<p>More examples:</p>\n<ul>\n";
  for (std::string_view example : more_examples) {
    fmt::format_to(std::back_inserter(body), "<li>{}</li>\n", link(example));
  }
  body += "</ul>\n";
  return html_response(200, html_page("pscgi demo", body));
}

ResponsePtr hello_route(const RouteContext& context) {
  const std::string body = fmt::format(
      "<p><span id=\"greeting\">{}</span> from worker pid <strong id=\"pid\">{}</strong> (slot {}).</p>\n"
      "<p>This worker has rendered <strong id=\"renders\">{}</strong> requests.</p>\n"
      "<p>Reload: if the count does not move, the page came from the cache.</p>\n",
      html_escape(context.greeting), getpid(), context.worker_slot, context.renders);
  return html_response(200, html_page("Hello", body));
}

ResponsePtr not_found_route(const RouteContext& context) {
  const std::string body = fmt::format("<p>No route for <code>{}</code>. See {}.</p>\n",
                                       html_escape(context.request.path()), link("/"));
  return html_response(404, html_page("404 Not Found", body));
}

}  // namespace pscgi::apps::demo
