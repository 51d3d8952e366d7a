#include "trial/layout.h"

#include "gtest/gtest.h"

// The literal layout: users' scripts and copied results folders rely on these names, so a rename
// must fail here first (docs/DESIGN.md §2).

namespace nerve_mtl::trial {
namespace {

TEST(LayoutTest, TrialFolders) {
  EXPECT_EQ(TrialsDir("/r").string(), "/r/trials");
  EXPECT_EQ(TrialDir("/r", "abc").string(), "/r/trials/abc");
  EXPECT_EQ(ResultFile("/r/trials/abc").string(), "/r/trials/abc/result.textproto");
  EXPECT_EQ(ExperimentFile("/r/trials/abc").string(), "/r/trials/abc/experiment.textproto");
  EXPECT_EQ(CheckpointFile("/r/trials/abc").string(), "/r/trials/abc/checkpoint.pt");
  EXPECT_EQ(BestModelFile("/r/trials/abc").string(), "/r/trials/abc/best_model.pt");
  EXPECT_EQ(BestClassifierFile("/r/trials/abc").string(), "/r/trials/abc/best_classifier.pt");
  EXPECT_EQ(EventsDir("/r/trials/abc").string(), "/r/trials/abc/events");
}

TEST(LayoutTest, PretrainedBranches) {
  EXPECT_EQ(PretrainedDir("/r").string(), "/r/pretrained");
  EXPECT_EQ(PretrainedBranchDir("/r/pretrained", "quicknat", "abc").string(),
            "/r/pretrained/quicknat-abc");
}

TEST(LayoutTest, JobsAndShards) {
  EXPECT_EQ(JobsDir("/r").string(), "/r/jobs");
  EXPECT_EQ(JobSpecFile("/r", "abc").string(), "/r/jobs/abc.textproto");
  EXPECT_EQ(JobLog("/r", "abc").string(), "/r/jobs/abc.log");
  EXPECT_EQ(ShardsDir("/r").string(), "/r/shards");
  EXPECT_EQ(ShardFile("/r", 1, 4).string(), "/r/shards/1-of-4.textproto");
}

TEST(LayoutTest, Report) {
  EXPECT_EQ(ReportDir("/r").string(), "/r/report");
  EXPECT_EQ(PlotsDir("/r/report").string(), "/r/report/plots");
  EXPECT_EQ(OverlaysDir("/r/report").string(), "/r/report/overlays");
}

TEST(LayoutTest, RelativeResultsStayRelative) {
  EXPECT_EQ(ResultFile(TrialDir("results", "abc")).string(), "results/trials/abc/result.textproto");
}

}  // namespace
}  // namespace nerve_mtl::trial
