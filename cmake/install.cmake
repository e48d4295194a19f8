# What `cmake --install build --prefix P` puts under P, for C and C++ programs
# that embed neurofuse (README.md, "Install"). Included at the end of the
# top-level CMakeLists.txt; the in-tree build does not depend on it.
#
#   bin/neurofuse                        the command-line tool (RUNPATH $ORIGIN/../lib)
#   lib/libneurofuse_runtime.so          the runtime: needs libc, libstdc++ and zlib, never LLVM
#   include/neurofuse/runtime.h, runtime.hpp, module.h
#   lib/pkgconfig/neurofuse.pc           the runtime, for pkg-config
#   lib/cmake/neurofuse/                 find_package(neurofuse CONFIG) (cmake/neurofuseConfig.cmake.in)
#   lib/libneurofuse_{compiler,frontend,ir,npz}.a and
#   include/neurofuse/{common,ir,frontend,compiler}/*.h
#                                        the compiler as static libraries, for C++ programs
#                                        that compile models themselves (needs LLVM 19)
#   share/neurofuse/stdlib/*.nf          the standard components' sources
#   share/doc/neurofuse/LICENSE
#
# (lib is GNUInstallDirs' CMAKE_INSTALL_LIBDIR: lib/x86_64-linux-gnu for a
# /usr prefix on Debian.)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(NEUROFUSE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/neurofuse)
set(NEUROFUSE_STDLIB_DIR ${CMAKE_INSTALL_DATADIR}/neurofuse/stdlib)

# The runtime and the tool: the export set neurofuseTargets, which needs
# nothing an embedder has to find.
set_target_properties(neurofuse_runtime PROPERTIES EXPORT_NAME runtime)
install(TARGETS neurofuse_runtime EXPORT neurofuseTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/neurofuse DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")

# The installed tool finds the installed runtime beside it, and LLVM where it
# was linked against (INSTALL_RPATH_USE_LINK_PATH); the runtime itself needs no
# RUNPATH, all it links is system libraries.
file(RELATIVE_PATH NEUROFUSE_BIN_TO_LIB ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
set_target_properties(neurofuse PROPERTIES
  EXPORT_NAME cli
  INSTALL_RPATH "$ORIGIN/${NEUROFUSE_BIN_TO_LIB}"
  INSTALL_RPATH_USE_LINK_PATH ON)
install(TARGETS neurofuse EXPORT neurofuseTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(EXPORT neurofuseTargets NAMESPACE neurofuse:: DESTINATION ${NEUROFUSE_CMAKE_DIR})

# The compiler's static libraries with the headers of their C++ API, each
# folder under include/neurofuse (so "ir/program.h" resolves as it does in the
# source tree): the export set neurofuseCompilerTargets, whose link interface
# names LLVM, fmt and zlib. codegen_internal.h includes LLVM and is not part of
# the API.
set_target_properties(neurofuse_compiler PROPERTIES EXPORT_NAME compiler)
set_target_properties(neurofuse_frontend PROPERTIES EXPORT_NAME frontend)
set_target_properties(neurofuse_ir PROPERTIES EXPORT_NAME ir)
set_target_properties(neurofuse_common PROPERTIES EXPORT_NAME common)
set_target_properties(neurofuse_npz PROPERTIES EXPORT_NAME npz)
install(TARGETS neurofuse_compiler neurofuse_frontend neurofuse_ir neurofuse_common neurofuse_npz
  EXPORT neurofuseCompilerTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/neurofuse)
foreach(folder common ir frontend compiler)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${folder}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/neurofuse/${folder}
    FILES_MATCHING PATTERN "*.h" PATTERN "codegen_internal.h" EXCLUDE)
endforeach()
install(EXPORT neurofuseCompilerTargets NAMESPACE neurofuse:: DESTINATION ${NEUROFUSE_CMAKE_DIR})

# The front end has the standard library built in (frontend/embed_stdlib.cmake
# turns stdlib/*.nf into C++ at build time), so neither the tool nor the
# libraries read these files: they are installed as documentation, the
# compartments, parameters and update rules of each standard component.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/stdlib/ DESTINATION ${NEUROFUSE_STDLIB_DIR} FILES_MATCHING PATTERN "*.nf")
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})

# find_package(neurofuse CONFIG): relocatable (paths relative to the config
# file). 0.x releases may change the API between minor versions.
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/neurofuseConfig.cmake.in
  ${PROJECT_BINARY_DIR}/neurofuseConfig.cmake
  INSTALL_DESTINATION ${NEUROFUSE_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR NEUROFUSE_STDLIB_DIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/neurofuseConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/neurofuseConfig.cmake ${PROJECT_BINARY_DIR}/neurofuseConfigVersion.cmake
  DESTINATION ${NEUROFUSE_CMAKE_DIR})

# neurofuse.pc names the prefix installed into, which `cmake --install
# --prefix` chooses only at install time, so it is written then.
foreach(nf_dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${nf_dir}}")
    set(NEUROFUSE_PC_${nf_dir} "${CMAKE_INSTALL_${nf_dir}}")
  else()
    set(NEUROFUSE_PC_${nf_dir} "\${prefix}/${CMAKE_INSTALL_${nf_dir}}")
  endif()
endforeach()
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(NEUROFUSE_PC_DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
else()
  set(NEUROFUSE_PC_DESTINATION "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig")
endif()
install(CODE "
  set(NEUROFUSE_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(NEUROFUSE_PC_LIBDIR [[${NEUROFUSE_PC_LIBDIR}]])
  set(NEUROFUSE_PC_INCLUDEDIR [[${NEUROFUSE_PC_INCLUDEDIR}]])
  set(PROJECT_VERSION [[${PROJECT_VERSION}]])
  configure_file([[${PROJECT_SOURCE_DIR}/cmake/neurofuse.pc.in]] [[${PROJECT_BINARY_DIR}/pkgconfig/neurofuse.pc]] @ONLY)
  file(INSTALL [[${PROJECT_BINARY_DIR}/pkgconfig/neurofuse.pc]] DESTINATION \"${NEUROFUSE_PC_DESTINATION}\")
")
