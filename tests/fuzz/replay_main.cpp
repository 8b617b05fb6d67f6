// Runs a fuzz target's LLVMFuzzerTestOneInput on every file under the directories (or files) given,
// without libFuzzer: this is how the normal test suite, under g++ as well as clang, replays each
// target's seed corpus and the inputs that once found a bug (tests/fuzz/regressions/<target>/).
// A broken invariant aborts; a missing directory or no input at all fails, so the test cannot pass
// by finding nothing.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_under(const fs::path& where) {
  if (fs::is_regular_file(where)) return {where};
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(where)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  return files;
}

int replay(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.eof() && in.fail()) {
    std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
    return 1;
  }
  std::fprintf(stderr, "replay: %s (%zu bytes)\n", file.c_str(), bytes.size());
  return LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path where(argv[i]);
    if (!fs::exists(where)) {
      std::fprintf(stderr, "replay: %s does not exist\n", argv[i]);
      return 1;
    }
    for (const fs::path& file : inputs_under(where)) {
      if (replay(file) != 0) return 1;
      ++count;
    }
  }
  std::printf("replay: %zu inputs, no invariant broken\n", count);
  return count == 0 ? 1 : 0;
}
