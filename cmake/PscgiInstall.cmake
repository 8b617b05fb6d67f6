# What `cmake --install` puts under the prefix (GNUInstallDirs; /usr/local unless told otherwise):
#   bin/pscgi                                 the server
#   include/pscgi/, lib/libpscgi.a            the library application authors link
#   etc/pscgi/pscgi.yaml                      the commented configuration (CMAKE_INSTALL_SYSCONFDIR)
#   share/pscgi/nginx-site.conf               the nginx site, to copy into /etc/nginx/sites-available
#   lib/systemd/system/pscgi.service          the systemd unit, naming the two paths above it
# docs/operations.md goes from there to a running service behind Debian's nginx.
include(GNUInstallDirs)

# The library goes into an export set, so that a CMake package (find_package(pscgi)) only has to
# add install(EXPORT pscgiTargets ...) and a config file; its headers are found under include/.
install(TARGETS pscgi EXPORT pscgiTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/pscgi DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp")
install(TARGETS pscgi_server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(FILES ${PROJECT_SOURCE_DIR}/config/pscgi.yaml DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/pscgi)
# Debian's nginx reads sites from /etc/nginx, outside any prefix: the site is shipped as data,
# the way packages ship examples, and the administrator enables it (docs/operations.md).
install(FILES ${PROJECT_SOURCE_DIR}/config/nginx.conf DESTINATION ${CMAKE_INSTALL_DATADIR}/pscgi
  RENAME nginx-site.conf)

# systemd looks in <prefix>/lib/systemd/system for /usr and /usr/local (never a multiarch libdir).
set(PSCGI_SYSTEMD_UNIT_DIR lib/systemd/system CACHE STRING
  "Where the systemd unit goes, relative to the prefix or absolute")
# The unit names the installed binary and config by absolute path, so it is written at install
# time: `cmake --install --prefix P` then gets paths under P, not under the configured prefix.
install(CODE "
  set(PSCGI_UNIT_TEMPLATE \"${PROJECT_SOURCE_DIR}/config/pscgi.service.in\")
  set(PSCGI_UNIT_DIR \"${PSCGI_SYSTEMD_UNIT_DIR}\")
  set(PSCGI_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(PSCGI_SYSCONFDIR \"${CMAKE_INSTALL_SYSCONFDIR}\")
  include(\"${PROJECT_SOURCE_DIR}/cmake/PscgiInstallUnit.cmake\")
")
