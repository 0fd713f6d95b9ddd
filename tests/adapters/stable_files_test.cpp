// A half-written file is never read; a finished one is read once per version.

#include "adapters/stable_files.hpp"

#include <gtest/gtest.h>

namespace splitstream::adapters {
namespace {

using names = std::vector<std::string>;

TEST(StableFiles, AFileIsReadOnlyAfterTwoPollsSeeItUnchanged) {
    stable_files files;
    EXPECT_EQ(files.poll({{"001-1-01.lif", 100, 1}}), names{});  // first sight: may be mid-write
    EXPECT_EQ(files.poll({{"001-1-01.lif", 180, 2}}), names{});  // still growing
    EXPECT_EQ(files.poll({{"001-1-01.lif", 180, 2}}), names{"001-1-01.lif"});
    EXPECT_EQ(files.poll({{"001-1-01.lif", 180, 2}}), names{}) << "read once per version";
}

TEST(StableFiles, ARewriteIsReadAgainOnceItSettles) {
    stable_files files;
    files.poll({{"a.lif", 10, 1}});
    EXPECT_EQ(files.poll({{"a.lif", 10, 1}}), names{"a.lif"});
    EXPECT_EQ(files.poll({{"a.lif", 10, 5}}), names{}) << "same size, newer time: being rewritten";
    EXPECT_EQ(files.poll({{"a.lif", 10, 5}}), names{"a.lif"});
}

TEST(StableFiles, AFileThatDisappearsAndComesBackStartsOver) {
    stable_files files;
    files.poll({{"a.lif", 10, 1}});
    files.poll({});
    EXPECT_EQ(files.poll({{"a.lif", 10, 1}}), names{});
    EXPECT_EQ(files.poll({{"a.lif", 10, 1}}), names{"a.lif"});
}

TEST(StableFiles, AForgottenFileIsHandedOutAgain) {
    stable_files files;
    files.poll({{"a.lif", 10, 1}});
    EXPECT_EQ(files.poll({{"a.lif", 10, 1}}), names{"a.lif"});
    files.forget("a.lif");
    EXPECT_EQ(files.poll({{"a.lif", 10, 1}}), names{"a.lif"});
}

}  // namespace
}  // namespace splitstream::adapters
