#include "guestbook_app.hpp"

#include "entry_store.hpp"
#include "page.hpp"

#include <pscgi/query.hpp>
#include <pscgi/response.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace guestbook {
namespace {

constexpr std::size_t kMaxName = 80;
constexpr std::size_t kMaxMessage = 2000;

struct Settings {
  std::string data_dir;
  std::string title = "Guestbook";
  std::size_t show = 20;
};

Settings read_settings(const pscgi::AppSettings& app) {
  Settings settings;
  for (const auto& [key, value] : app.options) {
    if (key == "data_dir") {
      settings.data_dir = value;
    } else if (key == "title") {
      settings.title = value;
    } else if (key == "show") {
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), settings.show);
      if (error != std::errc() || end != value.data() + value.size() || settings.show < 1 || settings.show > 1000) {
        throw std::invalid_argument("app.show: must be a whole number from 1 to 1000");
      }
    } else {
      throw std::invalid_argument("app." + key + ": unknown option");
    }
  }
  if (settings.data_dir.empty()) throw std::invalid_argument("app.data_dir: required");
  return settings;
}

pscgi::ResponsePtr text_response(int status, std::string text) {
  return pscgi::ResponseBuilder(status).content_type("text/plain; charset=utf-8").body(std::move(text)).finish();
}

class GuestbookApp final : public pscgi::App {
 public:
  GuestbookApp(Settings settings, EntryStore store) : settings_(std::move(settings)), store_(std::move(store)) {}

  pscgi::ResponsePtr handle(const pscgi::Request& request) override {
    const std::string_view path = request.path();
    const std::string_view method = request.method();
    if (path == "/") return method == "GET" || method == "HEAD" ? show_page() : wrong_method("GET, HEAD");
    if (path == "/entries") return method == "POST" ? add_entry(request) : wrong_method("POST");
    if (path == "/api/entries") return method == "GET" || method == "HEAD" ? list_entries() : wrong_method("GET, HEAD");
    return pscgi::make_error_response(404);
  }

 private:
  // The page changes with every post, so no response of this app is kept by the cache.
  pscgi::ResponsePtr show_page() const {
    return pscgi::ResponseBuilder(200)
        .content_type("text/html; charset=utf-8")
        .uncacheable()
        .body(render_page(settings_.title, store_.newest(settings_.show)))
        .finish();
  }

  pscgi::ResponsePtr list_entries() const {
    nlohmann::json entries = nlohmann::json::array();
    for (const Entry& entry : store_.newest(settings_.show)) {
      entries.push_back({{"name", entry.name}, {"message", entry.message}, {"time", entry.time}});
    }
    const nlohmann::json document = {{"entries", std::move(entries)}};
    return pscgi::ResponseBuilder(200)
        .content_type("application/json")
        .uncacheable()
        .body(document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .finish();
  }

  pscgi::ResponsePtr add_entry(const pscgi::Request& request) const {
    if (!request.var("CONTENT_TYPE").starts_with("application/x-www-form-urlencoded")) {
      return text_response(415, "send the form as application/x-www-form-urlencoded\n");
    }
    const pscgi::QueryParams form(request.body());
    Entry entry{form.first("name").value_or(""), form.first("message").value_or(""),
                utc_timestamp(std::chrono::system_clock::now())};
    if (entry.name.empty()) entry.name = "Anonymous";
    if (entry.message.empty()) return text_response(400, "message: write something\n");
    if (entry.name.size() > kMaxName) return text_response(400, "name: at most 80 bytes\n");
    if (entry.message.size() > kMaxMessage) return text_response(400, "message: at most 2000 bytes\n");
    store_.add(entry);
    // Post, redirect, get: the browser loads / with a GET, and a reload does not post again.
    return pscgi::ResponseBuilder(303).header("Location", "/").uncacheable().finish();
  }

  static pscgi::ResponsePtr wrong_method(std::string allow) {
    return pscgi::ResponseBuilder(405).header("Allow", std::move(allow)).content_type("text/plain; charset=utf-8")
        .body("405 Method Not Allowed\n").finish();
  }

  const Settings settings_;
  const EntryStore store_;
};

}  // namespace

pscgi::AppPtr make_guestbook_app(const pscgi::AppSettings& settings) {
  Settings parsed = read_settings(settings);
  try {
    EntryStore store(parsed.data_dir);
    return std::make_unique<GuestbookApp>(std::move(parsed), std::move(store));
  } catch (const std::runtime_error& e) {
    throw std::invalid_argument(std::string("app.data_dir: ") + e.what());
  }
}

}  // namespace guestbook
