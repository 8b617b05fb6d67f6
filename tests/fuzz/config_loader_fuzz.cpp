// libFuzzer target for the config loader: YAML text in, a checked Config out. A bad file is an
// everyday event (a typo, a truncated copy), so every refusal must be a ConfigError whose text names
// the source (`<file>:<line>: <key>: <problem>`); any other exception, or a crash, is a bug. A file
// that loads must also describe itself (what `pscgi --check-config` prints) in YAML that loads back the same.

#include "config/config.hpp"
#include "fuzz_support.hpp"

#include <cstdint>
#include <string>

namespace {

using namespace pscgi;
using fuzz::require;

constexpr const char* source = "fuzz.yaml";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  config::Config config;
  try {
    config = config::load_config_text(text, source);
  } catch (const config::ConfigError& e) {
    require(std::string_view(e.what()).starts_with(source), "a config error that does not name the file");
    return 0;
  }
  const std::string description = config::describe_config(config);
  require(!description.empty(), "an empty description");
  // config.hpp promises that the description loads back into the same Config.
  config::Config reloaded;
  try {
    reloaded = config::load_config_text(description, source);
  } catch (const config::ConfigError& e) {
    std::fprintf(stderr, "the description does not load back: %s\n%s", e.what(), description.c_str());
    std::abort();
  }
  if (const std::string again = config::describe_config(reloaded); again != description) {
    std::fprintf(stderr, "the description loads back into another Config:\n%s\n--- described again:\n%s",
                 description.c_str(), again.c_str());
    std::abort();
  }
  return 0;
}
