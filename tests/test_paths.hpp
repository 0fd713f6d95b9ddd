#pragma once
// Where the tests find the sources, the shared reference data and the
// program. CMake writes the values into one generated source
// (build/tests/test_paths.cpp) rather than into -D flags, so every test
// source compiles to the same object in any checkout and a compiler cache
// can reuse it.

namespace splitstream::test_paths {
extern const char* const source_dir;
extern const char* const shared_dir;
extern const char* const binary;
}  // namespace splitstream::test_paths

#define SPLITSTREAM_SOURCE_DIR (::splitstream::test_paths::source_dir)
#define SPLITSTREAM_SHARED_DIR (::splitstream::test_paths::shared_dir)
#define SPLITSTREAM_BINARY (::splitstream::test_paths::binary)
