#include "two_levels.hpp"

#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <strings.h>
#include <thread>

namespace pscgi::testing {

namespace {

// tests/CMakeLists.txt gives this file the path of the checkout's config/nginx.conf.
const std::string kShippedSite = PSCGI_SHIPPED_NGINX_SITE;
const std::string kShippedCachePath = "/var/cache/nginx-pscgi";

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) {
    throw std::runtime_error(kShippedSite + ": expected \"" + from + "\" exactly once");
  }
  text.replace(at, from.size(), to);
}

// Uncomments the lines between the marker pairs as docs tell operators to: every line between the
// markers starts (after its indentation) with "# ", and that is removed.
std::string uncomment_marked_blocks(const std::string& site) {
  const std::vector<std::pair<std::string, std::string>> markers = {
      {"# --- two cache levels (docs/cache.md) ---", "# --- end of two cache levels ---"},
      {"# --- two cache levels, location part ---", "# --- end of location part ---"}};
  std::istringstream in(site);
  std::ostringstream out;
  std::string line;
  std::string closing;  // the end marker awaited, while inside a block
  int blocks = 0;
  while (std::getline(in, line)) {
    const std::size_t indent = line.find_first_not_of(' ');
    const std::string text = indent == std::string::npos ? "" : line.substr(indent);
    if (closing.empty()) {
      for (const auto& [open, close] : markers) {
        if (text == open) closing = close;
      }
      if (!closing.empty()) ++blocks;
    } else if (text == closing) {
      closing.clear();
    } else if (text.rfind("# ", 0) == 0) {
      line = line.substr(0, indent) + text.substr(2);
    } else {
      throw std::runtime_error(kShippedSite + ": a line inside a marked block is not commented with \"# \": " + line);
    }
    out << line << '\n';
  }
  if (blocks != 2 || !closing.empty()) throw std::runtime_error(kShippedSite + ": expected both marked blocks, each closed");
  return out.str();
}

std::string cgi_name(const std::string& header) {
  std::string name = "HTTP_";
  for (char c : header) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

std::string shipped_site_with_outer_cache(const std::string& socket, const std::string& cache_dir, int port) {
  std::string site = uncomment_marked_blocks(read_file(kShippedSite));
  replace_once(site, "unix:/run/pscgi/pscgi.sock", "unix:" + socket);
  replace_once(site, "listen 127.0.0.1:8080;", "listen 127.0.0.1:" + std::to_string(port) + ";");
  replace_once(site, kShippedCachePath + " ", cache_dir + " ");
  return site;
}

std::string outer_config(const std::string& cache_extra) {
  return "listen: unix:{socket}\n"
         "socket_mode: \"0666\"\n"
         "workers: { count: 1, max_requests: 0 }\n"
         "log: { access_log: {dir}/access.log }\n"
         "cache: { debug_headers: true, ttl_jitter: 0" + cache_extra + " }\n";
}

int logged(const std::string& log, const std::string& method, const std::string& uri) {
  return count_occurrences(log, "\"" + method + " " + uri + "\"");
}

std::string layer_status(const Reply& r, const std::string& layer) {
  for (const auto& [name, value] : r.headers) {
    if (name.size() == 12 && ::strncasecmp(name.c_str(), "Cache-Status", 12) == 0 && value.rfind(layer + "; ", 0) == 0) {
      return value.substr(layer.size() + 2);
    }
  }
  return "(none)";
}
bool nginx_hit(const Reply& r) { return layer_status(r, "nginx").rfind("hit", 0) == 0; }

double seconds_since_epoch(WallClock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

WallClock::time_point wait_for_second_fraction(double fraction) {
  const double now = seconds_since_epoch(WallClock::now());
  double target = std::floor(now) + fraction;
  if (target <= now) target += 1;
  std::this_thread::sleep_for(std::chrono::duration<double>(target - now));
  return WallClock::now();
}

void make_room_in_second(double room) {
  const double now = seconds_since_epoch(WallClock::now());
  if (now - std::floor(now) > 1 - room) wait_for_second_fraction(0.02);
}

Reply scgi_send(const Server& server, const std::string& method, const std::string& uri, const Headers& headers) {
  Headers vars;
  for (const auto& [name, value] : headers) vars.emplace_back(cgi_name(name), value);
  return scgi_exchange(server.socket(), scgi_request(method, uri, vars));
}

std::string accel(const Reply& r) { return r.header("X-Accel-Expires").value_or("(none)"); }

}  // namespace pscgi::testing
