# Runs at install time (from PscgiInstall.cmake's install(CODE)): writes the systemd unit with the
# absolute paths the binary and the config get under the prefix of this very install.
# In: PSCGI_UNIT_TEMPLATE, PSCGI_UNIT_DIR, PSCGI_BINDIR, PSCGI_SYSCONFDIR (relative to the prefix
# or absolute), and CMAKE_INSTALL_PREFIX as `cmake --install --prefix` set it.

function(pscgi_full_path out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}" PARENT_SCOPE)
  endif()
endfunction()

# The names @ONLY substitutes in the template: the unit runs the files where they are installed.
pscgi_full_path(CMAKE_INSTALL_FULL_BINDIR "${PSCGI_BINDIR}")
pscgi_full_path(CMAKE_INSTALL_FULL_SYSCONFDIR "${PSCGI_SYSCONFDIR}")
pscgi_full_path(pscgi_unit_dir "${PSCGI_UNIT_DIR}")

# DESTDIR moves the files (a staged install), never the paths written inside them.
set(pscgi_unit "$ENV{DESTDIR}${pscgi_unit_dir}/pscgi.service")
message(STATUS "Installing: ${pscgi_unit}")
configure_file("${PSCGI_UNIT_TEMPLATE}" "${pscgi_unit}" @ONLY)
list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${pscgi_unit}")
