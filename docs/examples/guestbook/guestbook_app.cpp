#include "guestbook_app.hpp"

#include "entry_store.hpp"
#include "page.hpp"

#include <pscgi/errors.hpp>
#include <pscgi/forms.hpp>
#include <pscgi/responses.hpp>
#include <pscgi/router.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace guestbook {
namespace {

using pscgi::Request;
using pscgi::ResponsePtr;
using pscgi::RouteParams;

constexpr std::size_t kMaxName = 80;
constexpr std::size_t kMaxMessage = 2000;

// What every worker shares: made once by the factory, in the master, and never changed after.
class Guestbook {
 public:
  Guestbook(std::string title, std::size_t show, EntryStore store)
      : title_(std::move(title)), show_(show), store_(std::move(store)) {}

  // The page and the JSON change with every post, so the cache in the pipeline must never serve an
  // old list: the helpers (pscgi::html, pscgi::json) make answers the cache may keep, so these two
  // are built with ResponseBuilder and uncacheable().
  ResponsePtr page() const {
    return pscgi::ResponseBuilder(200)
        .content_type("text/html; charset=utf-8")
        .uncacheable()
        .body(render_page(title_, store_.newest(show_)))
        .finish();
  }

  ResponsePtr entries_json() const {
    nlohmann::json entries = nlohmann::json::array();
    for (const Entry& entry : store_.newest(show_)) {
      entries.push_back({{"name", entry.name}, {"message", entry.message}, {"time", entry.time}});
    }
    const nlohmann::json document = {{"entries", std::move(entries)}};
    return pscgi::ResponseBuilder(200)
        .content_type("application/json")
        .uncacheable()
        .body(document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .finish();
  }

  // Post, redirect, get: the 303 sends the browser to / with a GET, so reloading the page that
  // follows does not post the entry again.
  ResponsePtr add(const Request& request) const {
    const pscgi::QueryParams fields = pscgi::form(request);  // a body of another type: 400
    Entry entry{fields.first("name").value_or(""), fields.first("message").value_or(""),
                utc_timestamp(std::chrono::system_clock::now())};
    if (entry.name.empty()) entry.name = "Anonymous";
    if (entry.message.empty()) throw pscgi::BadRequest("message: write something");
    if (entry.name.size() > kMaxName) throw pscgi::BadRequest("name: at most 80 bytes");
    if (entry.message.size() > kMaxMessage) throw pscgi::BadRequest("message: at most 2000 bytes");
    store_.add(entry);
    return pscgi::redirect("/", 303);
  }

 private:
  const std::string title_;
  const std::size_t show_;
  const EntryStore store_;
};

std::shared_ptr<const Guestbook> open_guestbook(const pscgi::AppSettings& settings) {
  const std::string data_dir = settings.text("data_dir");
  std::string title = settings.text("title", "Guestbook");
  const auto show = static_cast<std::size_t>(settings.integer("show", 20, 1, 1000));
  settings.refuse_unknown();
  try {
    return std::make_shared<const Guestbook>(std::move(title), show, EntryStore(data_dir));
  } catch (const std::runtime_error& e) {
    settings.refuse("data_dir", e.what());
  }
}

}  // namespace

pscgi::AppPtr make_guestbook_app(const pscgi::AppSettings& settings) {
  const std::shared_ptr<const Guestbook> book = open_guestbook(settings);
  auto router = std::make_unique<pscgi::Router>();
  // `/{$}` is the root alone: a plain `/` pattern would match every path, and nothing would be 404.
  router->get("/{$}", [book](const Request&, const RouteParams&) { return book->page(); });
  router->post("/entries", [book](const Request& request, const RouteParams&) { return book->add(request); });
  router->get("/api/entries", [book](const Request&, const RouteParams&) { return book->entries_json(); });
  return router;
}

}  // namespace guestbook
