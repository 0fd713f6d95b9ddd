# Warnings and sanitizers for the project's own targets only (never through
# CMAKE_CXX_FLAGS, so third-party headers stay quiet).
add_library(splitstream_flags INTERFACE)
target_compile_options(splitstream_flags INTERFACE -Wall -Wextra -Wpedantic)
if(SPLITSTREAM_WARNINGS_AS_ERRORS)
  target_compile_options(splitstream_flags INTERFACE -Werror)
endif()
# Sanitizers apply to third-party code compiled here too (Asio, Beast),
# without our warnings.
add_library(splitstream_sanitize INTERFACE)
if(SPLITSTREAM_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_compile_options(splitstream_sanitize INTERFACE ${_san})
  target_link_options(splitstream_sanitize INTERFACE ${_san})
endif()
# ThreadSanitizer (docs/faults.md says which parts are threaded and why).
if(SPLITSTREAM_SANITIZE_THREAD)
  set(_tsan -fsanitize=thread -fno-omit-frame-pointer)
  target_compile_options(splitstream_sanitize INTERFACE ${_tsan})
  target_link_options(splitstream_sanitize INTERFACE ${_tsan})
endif()
# libFuzzer targets: every library gets coverage instrumentation and
# ASan+UBSan; the fuzz executables add -fsanitize=fuzzer (tests/fuzz).
if(SPLITSTREAM_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SPLITSTREAM_BUILD_FUZZERS needs clang (CMAKE_CXX_COMPILER=clang++)")
  endif()
  set(_fuzz -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_compile_options(splitstream_sanitize INTERFACE ${_fuzz})
  target_link_options(splitstream_sanitize INTERFACE -fsanitize=address,undefined)
endif()
target_link_libraries(splitstream_flags INTERFACE splitstream_sanitize)

# splitstream_target(NAME) applies the project flags to a target.
function(splitstream_target name)
  target_link_libraries(${name} PRIVATE splitstream_flags)
endfunction()
