#include "process/process_title.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <sys/prctl.h>

namespace pscgi::process {
namespace {

char* title_area = nullptr;
std::size_t title_capacity = 0;

}  // namespace

// The arguments sit next to each other in memory; their whole span can hold the new title. The
// environment after them is left alone (moving it is not worth the risk for a few more bytes).
void init_process_title(int argc, char** argv) noexcept {
  if (argc < 1 || argv == nullptr || argv[0] == nullptr) return;
  char* end = argv[0] + std::strlen(argv[0]);
  for (int i = 1; i < argc; ++i) {
    if (argv[i] != end + 1) break;
    end = argv[i] + std::strlen(argv[i]);
  }
  title_area = argv[0];
  title_capacity = static_cast<std::size_t>(end - argv[0]);
}

void set_process_title(std::string_view title) noexcept {
  const std::string comm(title.substr(0, 15));
  ::prctl(PR_SET_NAME, comm.c_str(), 0, 0, 0);
  if (title_area == nullptr || title_capacity == 0) return;
  const std::size_t n = std::min(title.size(), title_capacity);
  std::memcpy(title_area, title.data(), n);
  std::memset(title_area + n, '\0', title_capacity - n + 1);
}

}  // namespace pscgi::process
