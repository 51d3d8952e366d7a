# Bazel's cc_library / cc_binary / cc_test / sh_test / cc_proto_library for nerve-mtl's CMake build.
# Each package's CMakeLists.txt calls these functions, generated from its BUILD file by
# tools/gen_cmake.py (//tools:build_sync_test fails when one differs from what it generates). A
# target is named <package>_<name> (//data:phantom is data_phantom) and its binary keeps the Bazel
# path (build/data/preview), so test scripts and docs work unchanged in either build.

# The compiler flag lists of //:copts.bzl (generated): NERVE_COPTS, ..., and NERVE_COPTS_LISTS.
include("${CMAKE_CURRENT_LIST_DIR}/copts.cmake")
if(NOT NERVE_MTL_WERROR)
  foreach(list IN LISTS NERVE_COPTS_LISTS)
    list(REMOVE_ITEM ${list} -Werror)
  endforeach()
endif()

function(_nerve_target_name out name)
  file(RELATIVE_PATH package "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}")
  string(REPLACE "/" "_" prefix "${package}")
  set(${out} "${prefix}_${name}" PARENT_SCOPE)
endfunction()

# COPTS names one of the lists above (Bazel: copts = NERVE_..._COPTS); the default is NERVE_COPTS.
function(_nerve_compile target copts)
  if(NOT copts)
    set(copts NERVE_COPTS)
  endif()
  target_compile_options(${target} PRIVATE ${${copts}})
endfunction()

# DATA: targets (plain names) are built first; files (relative to the package, or //-rooted like
# Bazel labels, globs allowed) are linked into the build tree at their source path, which is then
# a runfiles tree.
function(_nerve_data target)
  foreach(item IN LISTS ARGN)
    if(item MATCHES "^[A-Za-z0-9_]+$" AND NOT EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${item}")
      add_dependencies(${target} ${item})  # a target, possibly defined further down
      continue()
    endif()
    if(item MATCHES "^//(.*)$")
      set(pattern "${PROJECT_SOURCE_DIR}/${CMAKE_MATCH_1}")
    else()
      set(pattern "${CMAKE_CURRENT_SOURCE_DIR}/${item}")
    endif()
    file(GLOB files LIST_DIRECTORIES false "${pattern}")
    if(NOT files)
      message(FATAL_ERROR "${CMAKE_CURRENT_LIST_FILE}: data '${item}' of ${target} matches no file")
    endif()
    foreach(file IN LISTS files)
      file(RELATIVE_PATH rel "${PROJECT_SOURCE_DIR}" "${file}")
      get_filename_component(dir "${PROJECT_BINARY_DIR}/${rel}" DIRECTORY)
      file(MAKE_DIRECTORY "${dir}")
      file(CREATE_LINK "${file}" "${PROJECT_BINARY_DIR}/${rel}" SYMBOLIC)
    endforeach()
  endforeach()
endfunction()

# Bazel's size attribute as a CTest timeout in seconds, unless a timeout attribute names one.
function(_nerve_timeout out size timeout)
  set(small 60)
  set(medium 300)
  set(large 900)
  set(enormous 3600)
  set(short 60)
  set(moderate 300)
  set(long 900)
  set(eternal 3600)
  if(timeout)
    set(${out} ${${timeout}} PARENT_SCOPE)
  else()
    set(${out} ${${size}} PARENT_SCOPE)
  endif()
endfunction()

# A test runs in the build tree (its runfiles tree) with an empty TEST_TMPDIR of its own.
# TAGS become CTest labels; "exclusive" runs the test alone, as Bazel does. ENV: NAME=VALUE.
function(_nerve_add_test name)
  cmake_parse_arguments(A "" "SIZE;TIMEOUT" "TAGS;ENV;COMMAND" ${ARGN})
  if(A_ENV)
    set(A_ENV ";${A_ENV}")
  endif()
  _nerve_timeout(timeout "${A_SIZE}" "${A_TIMEOUT}")
  set(tmp "${PROJECT_BINARY_DIR}/_test_tmp/${name}")
  add_test(NAME ${name}
    COMMAND sh -c "rm -rf \"$TEST_TMPDIR\" && mkdir -p \"$TEST_TMPDIR\" && exec \"$0\" \"$@\"" ${A_COMMAND}
    WORKING_DIRECTORY "${PROJECT_BINARY_DIR}")
  # OMP_WAIT_POLICY as in .bazelrc: LibTorch 2.x's spinning OpenMP threads starve parallel tests.
  set_tests_properties(${name} PROPERTIES TIMEOUT ${timeout}
    ENVIRONMENT "TEST_TMPDIR=${tmp};OMP_WAIT_POLICY=PASSIVE${A_ENV}")
  if(A_TAGS)
    set_tests_properties(${name} PROPERTIES LABELS "${A_TAGS}")
  endif()
  if("exclusive" IN_LIST A_TAGS)
    set_tests_properties(${name} PROPERTIES RUN_SERIAL TRUE)
  endif()
endfunction()

function(nerve_cc_library)
  cmake_parse_arguments(A "ALWAYSLINK" "NAME;COPTS" "SRCS;HDRS;DEPS;DATA" ${ARGN})
  _nerve_target_name(target ${A_NAME})
  if(NOT A_SRCS)
    add_library(${target} INTERFACE)
    target_link_libraries(${target} INTERFACE ${A_DEPS})
    return()
  endif()
  if(A_ALWAYSLINK)
    # Registrations live in static initialisers nothing references: link the whole archive, on
    # every path to a binary, by putting it behind an interface target of the public name.
    set(archive ${target}_archive)
    add_library(${archive} STATIC ${A_SRCS} ${A_HDRS})
    target_link_libraries(${archive} PUBLIC ${A_DEPS})
    _nerve_compile(${archive} "${A_COPTS}")
    add_library(${target} INTERFACE)
    target_link_libraries(${target} INTERFACE "$<LINK_LIBRARY:WHOLE_ARCHIVE,${archive}>")
  else()
    add_library(${target} STATIC ${A_SRCS} ${A_HDRS})
    target_link_libraries(${target} PUBLIC ${A_DEPS})
    _nerve_compile(${target} "${A_COPTS}")
  endif()
endfunction()

# A binary whose main() is in a library (//study:all) still needs one source file for CMake.
file(WRITE "${PROJECT_BINARY_DIR}/nerve_no_sources.cc" "// main() comes from a library.\n")

# `bazel run //<package>:<name>` for the CMake build: build/run/<package>/<name> runs the binary
# as Bazel does, from the build tree (its runfiles tree) with BUILD_WORKING_DIRECTORY set to where
# it was started and BUILD_WORKSPACE_DIRECTORY to the source tree, with the BUILD file's args and
# then the caller's.
function(_nerve_launcher target name)
  file(RELATIVE_PATH package "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}")
  set(quoted "")
  foreach(arg IN LISTS ARGN)
    string(REPLACE "'" "'\\''" arg "${arg}")
    string(APPEND quoted " '${arg}'")
  endforeach()
  file(GENERATE OUTPUT "${PROJECT_BINARY_DIR}/run/${package}/${name}"
    CONTENT "#!/bin/sh
# bazel run //${package}:${name}, for the CMake build (cmake/NerveMtl.cmake).
export BUILD_WORKING_DIRECTORY=\"$PWD\" BUILD_WORKSPACE_DIRECTORY='${PROJECT_SOURCE_DIR}'
cd '${PROJECT_BINARY_DIR}' && exec '$<TARGET_FILE:${target}>'${quoted} \"$@\"
"
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ
      WORLD_EXECUTE)
endfunction()

# OUTPUT_NAME: the binary's file name where the Bazel name cannot be one (Ninja reserves "all").
# ARGS: Bazel's args, which only `bazel run` passes: here build/run/<package>/<name>.
function(nerve_cc_binary)
  cmake_parse_arguments(A "TESTONLY" "NAME;OUTPUT_NAME;COPTS" "SRCS;DEPS;DATA;ARGS" ${ARGN})
  _nerve_target_name(target ${A_NAME})
  if(NOT A_SRCS)
    set(A_SRCS "${PROJECT_BINARY_DIR}/nerve_no_sources.cc")
  endif()
  if(NOT A_OUTPUT_NAME)
    set(A_OUTPUT_NAME ${A_NAME})
  endif()
  add_executable(${target} ${A_SRCS})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${A_OUTPUT_NAME})
  target_link_libraries(${target} PRIVATE ${A_DEPS})
  _nerve_compile(${target} "${A_COPTS}")
  _nerve_data(${target} ${A_DATA})
  _nerve_launcher(${target} ${A_NAME} ${A_ARGS})
endfunction()

function(nerve_cc_test)
  cmake_parse_arguments(A "" "NAME;SIZE;TIMEOUT;COPTS" "SRCS;DEPS;DATA;ARGS;TAGS;ENV" ${ARGN})
  _nerve_target_name(target ${A_NAME})
  add_executable(${target} ${A_SRCS})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${A_NAME})
  target_link_libraries(${target} PRIVATE ${A_DEPS})
  _nerve_compile(${target} "${A_COPTS}")
  _nerve_data(${target} ${A_DATA})
  _nerve_add_test(${target} SIZE ${A_SIZE} TIMEOUT "${A_TIMEOUT}" TAGS ${A_TAGS} ENV ${A_ENV}
    COMMAND $<TARGET_FILE:${target}> ${A_ARGS})
endfunction()

# The script runs from its link in the build tree, so `$(dirname "$0")` finds its data there.
function(nerve_sh_test)
  cmake_parse_arguments(A "" "NAME;SIZE;TIMEOUT" "SRCS;DATA;ARGS;TAGS;ENV" ${ARGN})
  _nerve_target_name(target ${A_NAME})
  add_custom_target(${target} ALL)
  _nerve_data(${target} ${A_SRCS} ${A_DATA})
  file(RELATIVE_PATH rel "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}/${A_SRCS}")
  _nerve_add_test(${target} SIZE ${A_SIZE} TIMEOUT "${A_TIMEOUT}" TAGS ${A_TAGS} ENV ${A_ENV}
    COMMAND "${PROJECT_BINARY_DIR}/${rel}" ${A_ARGS})
endfunction()

# protoc runs from the project root, so generated code includes "data/data_spec.pb.h" as Bazel's does.
function(nerve_cc_proto_library)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS" ${ARGN})
  _nerve_target_name(target ${A_NAME})
  set(generated)
  foreach(proto IN LISTS A_SRCS)
    file(RELATIVE_PATH rel "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}/${proto}")
    string(REGEX REPLACE "\\.proto$" "" stem "${rel}")
    set(outputs "${PROJECT_BINARY_DIR}/${stem}.pb.cc" "${PROJECT_BINARY_DIR}/${stem}.pb.h")
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND ${NERVE_PROTOC} --proto_path=${PROJECT_SOURCE_DIR} --cpp_out=${PROJECT_BINARY_DIR} ${rel}
      DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/${proto}" ${NERVE_PROTOC}
      WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
      COMMENT "protoc ${rel}")
    list(APPEND generated ${outputs})
  endforeach()
  add_library(${target} STATIC ${generated})
  target_link_libraries(${target} PUBLIC ${A_DEPS} nerve_protobuf)
endfunction()
