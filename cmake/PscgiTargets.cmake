# Per-target settings, so a target added anywhere gets the same warnings and sanitizers.

function(pscgi_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 reports impossible overlaps inside std::string at -O3 (GCC bug 105329).
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(PSCGI_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

function(pscgi_set_sanitizers target)
  if(PSCGI_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${PSCGI_SANITIZE} -fno-omit-frame-pointer
      -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${PSCGI_SANITIZE})
  endif()
endfunction()

function(pscgi_configure_target target)
  pscgi_set_warnings(${target})
  pscgi_set_sanitizers(${target})
endfunction()
