# What `cmake --install` puts under the prefix (GNUInstallDirs; /usr/local unless told otherwise):
#   bin/pscgi                                 the server
#   include/pscgi/, lib/libpscgi.a            the library application authors link
#   lib/cmake/pscgi/                          its CMake package: find_package(pscgi) -> pscgi::pscgi
#   etc/pscgi/pscgi.yaml                      the commented configuration (CMAKE_INSTALL_SYSCONFDIR)
#   share/pscgi/nginx-site.conf               the nginx site, to copy into /etc/nginx/sites-available
#   share/pscgi/nginx-upstream.conf           the same for several pscgi hosts (docs/deployment.md)
#   share/pscgi/logrotate                     rules for /etc/logrotate.d/pscgi
#   lib/systemd/system/pscgi.service          the systemd unit, naming the two paths above it
#   lib/systemd/system/pscgi.socket           its socket unit: systemd holds the listening socket
# docs/operations.md goes from there to a running service behind Debian's nginx.
include(GNUInstallDirs)

# The library goes into the export set of the CMake package below. INCLUDES DESTINATION is the
# include directory the installed target gives its users (the tree's include/ is build-only).
install(TARGETS pscgi EXPORT pscgiTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/pscgi DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp")

# The CMake package: find_package(pscgi) reads lib/cmake/pscgi/pscgiConfig.cmake, which finds the
# library's dependencies and then defines pscgi::pscgi from the export set (pscgiTargets.cmake).
include(CMakePackageConfigHelpers)
set(PSCGI_CMAKE_PACKAGE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/pscgi)
install(EXPORT pscgiTargets NAMESPACE pscgi:: DESTINATION ${PSCGI_CMAKE_PACKAGE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/pscgiConfig.cmake.in
  ${PROJECT_BINARY_DIR}/pscgiConfig.cmake INSTALL_DESTINATION ${PSCGI_CMAKE_PACKAGE_DIR})
# Before 1.0 a minor release may change the API, so 0.1 accepts only 0.1.x; from 1.0 on, the major.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(PSCGI_COMPATIBILITY SameMinorVersion)
else()
  set(PSCGI_COMPATIBILITY SameMajorVersion)
endif()
write_basic_package_version_file(${PROJECT_BINARY_DIR}/pscgiConfigVersion.cmake
  COMPATIBILITY ${PSCGI_COMPATIBILITY})
install(FILES ${PROJECT_BINARY_DIR}/pscgiConfig.cmake ${PROJECT_BINARY_DIR}/pscgiConfigVersion.cmake
  DESTINATION ${PSCGI_CMAKE_PACKAGE_DIR})
# A library built with sanitizers calls into their runtimes, which only a link with the same
# -fsanitize brings in: the installed target asks its users for it (in this tree every target
# already links with it, see PscgiTargets.cmake).
if(PSCGI_SANITIZE)
  target_link_options(pscgi INTERFACE $<INSTALL_INTERFACE:-fsanitize=${PSCGI_SANITIZE}>)
endif()
install(TARGETS pscgi_server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(FILES ${PROJECT_SOURCE_DIR}/config/pscgi.yaml DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/pscgi)
# Debian's nginx reads sites from /etc/nginx, outside any prefix: the site is shipped as data,
# the way packages ship examples, and the administrator enables it (docs/operations.md).
install(FILES ${PROJECT_SOURCE_DIR}/config/nginx.conf DESTINATION ${CMAKE_INSTALL_DATADIR}/pscgi
  RENAME nginx-site.conf)
# The same for several hosts (docs/deployment.md), and the logrotate rules for /etc/logrotate.d.
install(FILES ${PROJECT_SOURCE_DIR}/config/nginx-upstream.conf DESTINATION ${CMAKE_INSTALL_DATADIR}/pscgi)
install(FILES ${PROJECT_SOURCE_DIR}/config/pscgi.logrotate DESTINATION ${CMAKE_INSTALL_DATADIR}/pscgi
  RENAME logrotate)

# systemd looks in <prefix>/lib/systemd/system for /usr and /usr/local (never a multiarch libdir).
set(PSCGI_SYSTEMD_UNIT_DIR lib/systemd/system CACHE STRING
  "Where the systemd unit goes, relative to the prefix or absolute")
# The socket unit names no installed path: it is copied as it is.
install(FILES ${PROJECT_SOURCE_DIR}/config/pscgi.socket DESTINATION ${PSCGI_SYSTEMD_UNIT_DIR})
# The unit names the installed binary and config by absolute path, so it is written at install
# time: `cmake --install --prefix P` then gets paths under P, not under the configured prefix.
install(CODE "
  set(PSCGI_UNIT_TEMPLATE \"${PROJECT_SOURCE_DIR}/config/pscgi.service.in\")
  set(PSCGI_UNIT_DIR \"${PSCGI_SYSTEMD_UNIT_DIR}\")
  set(PSCGI_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(PSCGI_SYSCONFDIR \"${CMAKE_INSTALL_SYSCONFDIR}\")
  include(\"${PROJECT_SOURCE_DIR}/cmake/PscgiInstallUnit.cmake\")
")
