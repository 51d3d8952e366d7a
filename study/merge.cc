// Joins the results of study shards (run with --shard=i/n, perhaps on several machines):
//   bazel run //study:merge -- --into=DIR SHARD_DIR...
// then `bazel run //reports:build -- --results=DIR`.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/cli.h"
#include "study/runner.h"

ABSL_FLAG(std::string, into, "", "Results directory to merge into");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Merges study shards.\n  merge --into=DIR SHARD_DIR...");
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  const std::string into = nerve_mtl::ResolveUserPath(absl::GetFlag(FLAGS_into));
  if (into.empty() || positional.size() < 2) {
    return nerve_mtl::ReportFailure(
        "merge", absl::InvalidArgumentError("give --into=DIR and at least one shard directory"));
  }
  std::vector<std::string> shards;
  for (size_t i = 1; i < positional.size(); ++i) {
    shards.push_back(nerve_mtl::ResolveUserPath(positional[i]));
  }
  // Shards are read and compared before anything is written: a conflict or a missing shard is
  // bad input (2), a write error a failure of the work (3).
  const absl::Status status = nerve_mtl::study::MergeResults(shards, into);
  if (!status.ok()) return nerve_mtl::ReportFailure("merge", status);
  std::cout << "merged " << shards.size() << " shard(s) into " << into << std::endl;
  return 0;
}
