#include "trial/layout.h"

#include <filesystem>
#include <string>

namespace nerve_mtl::trial {

namespace fs = std::filesystem;

fs::path TrialsDir(const fs::path& results) { return results / "trials"; }

fs::path TrialDir(const fs::path& results, const std::string& id) {
  return TrialsDir(results) / id;
}

fs::path ResultFile(const fs::path& trial_dir) { return trial_dir / "result.textproto"; }

fs::path ExperimentFile(const fs::path& trial_dir) { return trial_dir / "experiment.textproto"; }

fs::path CheckpointFile(const fs::path& trial_dir) { return trial_dir / "checkpoint.pt"; }

fs::path BestModelFile(const fs::path& trial_dir) { return trial_dir / "best_model.pt"; }

fs::path BestClassifierFile(const fs::path& trial_dir) { return trial_dir / "best_classifier.pt"; }

fs::path EventsDir(const fs::path& trial_dir) { return trial_dir / "events"; }

fs::path PretrainedDir(const fs::path& dir) { return dir / "pretrained"; }

fs::path PretrainedBranchDir(const fs::path& pretrained, const std::string& model,
                             const std::string& id) {
  return pretrained / (model + "-" + id);
}

fs::path JobsDir(const fs::path& results) { return results / "jobs"; }

fs::path JobSpecFile(const fs::path& results, const std::string& id) {
  return JobsDir(results) / (id + ".textproto");
}

fs::path JobLog(const fs::path& results, const std::string& id) {
  return JobsDir(results) / (id + ".log");
}

fs::path ShardsDir(const fs::path& results) { return results / "shards"; }

fs::path ShardFile(const fs::path& results, int index, int count) {
  return ShardsDir(results) /
         (std::to_string(index) + "-of-" + std::to_string(count) + ".textproto");
}

fs::path ReportDir(const fs::path& results) { return results / "report"; }

fs::path PlotsDir(const fs::path& report) { return report / "plots"; }

fs::path OverlaysDir(const fs::path& report) { return report / "overlays"; }

}  // namespace nerve_mtl::trial
