#include "reports/row_specs.h"

#include "gtest/gtest.h"
#include "trial/result.pb.h"

namespace nerve_mtl::reports {
namespace {

study::Result Trial(const std::string& label, int seed, bool ok, const std::string& id) {
  study::Result r;
  r.set_status(ok ? study::Result::OK : study::Result::FAILED);
  r.set_trial_id(id);
  r.mutable_experiment()->set_name(label);
  r.mutable_experiment()->set_seed(seed);
  return r;
}

TEST(RowSpecsTest, PicksTheFirstSuccessfulTrialBySeedInLabelOrder) {
  const std::vector<study::Result> results = {Trial("B", 0, false, "b0"), Trial("B", 2, true, "b2"),
                                              Trial("B", 1, true, "b1"), Trial("A", 0, true, "a0"),
                                              Trial("C", 0, false, "c0")};
  const std::vector<RowSpec> rows = RowSpecs(results, {"B", "missing", "A", "C"});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].label, "B");
  EXPECT_EQ(rows[0].trial->trial_id(), "b1");  // b0 failed; seed 1 before seed 2.
  EXPECT_EQ(rows[1].label, "A");
  EXPECT_EQ(rows[1].trial->trial_id(), "a0");
  EXPECT_EQ(rows[2].label, "C");
  EXPECT_EQ(rows[2].trial->trial_id(), "c0");  // Only failed trials: the first of them.
}

}  // namespace
}  // namespace nerve_mtl::reports
