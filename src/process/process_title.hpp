#pragma once
// Process titles as nginx shows them: `ps` lists "pscgi: master" and "pscgi: worker 3".

#include <string_view>

namespace pscgi::process {

/// Remembers where argv lives; call once at the top of main.
void init_process_title(int argc, char** argv) noexcept;
/// Sets the title seen by `ps` (the argv area, truncated to fit) and by `top` (the 15-byte comm).
void set_process_title(std::string_view title) noexcept;

}  // namespace pscgi::process
