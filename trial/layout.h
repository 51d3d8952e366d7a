#ifndef NERVE_MTL_TRIAL_LAYOUT_H_
#define NERVE_MTL_TRIAL_LAYOUT_H_

// The one place that spells the folders and files of a study's results directory, which study/
// writes and reports/ reads (docs/DESIGN.md §2). The functions only join names; none touches disk.

#include <filesystem>
#include <string>

namespace nerve_mtl::trial {

// The folder holding every trial's folder.
std::filesystem::path TrialsDir(const std::filesystem::path& results);
// One trial's folder, named by its trial id (study/spec.h, TrialId).
std::filesystem::path TrialDir(const std::filesystem::path& results, const std::string& id);

// Files of a trial's folder (a trials/ entry, a pretrained branch or a lone //study:train run).
// What the trial produced (trial/result.proto); present once it finished, OK or FAILED.
std::filesystem::path ResultFile(const std::filesystem::path& trial_dir);
// Its resolved spec (trial/experiment.proto), written before the result.
std::filesystem::path ExperimentFile(const std::filesystem::path& trial_dir);
// The last epoch's weights, optimiser and strategy state, from which a killed run resumes.
std::filesystem::path CheckpointFile(const std::filesystem::path& trial_dir);
// The best epoch's weights by the checkpoint rule (study/checkpoint_rule.h).
std::filesystem::path BestModelFile(const std::filesystem::path& trial_dir);
// The best-accuracy weights of a multitask model under the per-task checkpoint rule.
std::filesystem::path BestClassifierFile(const std::filesystem::path& trial_dir);
// TensorBoard's event files (tensorboard/).
std::filesystem::path EventsDir(const std::filesystem::path& trial_dir);

// The cache of pretrained single-task branches under `dir` (a results folder, or a lone
// training's output folder), shared by the rows that need the same branch.
std::filesystem::path PretrainedDir(const std::filesystem::path& dir);
// One pretrained branch's trial folder in `pretrained`: its model's name and its trial id.
std::filesystem::path PretrainedBranchDir(const std::filesystem::path& pretrained,
                                          const std::string& model, const std::string& id);

// The folder of the child processes' specs and logs (--jobs).
std::filesystem::path JobsDir(const std::filesystem::path& results);
// The grid's experiment a child trains; its name is the trial id the child checks it against.
std::filesystem::path JobSpecFile(const std::filesystem::path& results, const std::string& id);
// A child's standard output and error.
std::filesystem::path JobLog(const std::filesystem::path& results, const std::string& id);

// The folder of the shards' records.
std::filesystem::path ShardsDir(const std::filesystem::path& results);
// Shard `index` of `count`'s record of the study it ran (study/shard_record.proto).
std::filesystem::path ShardFile(const std::filesystem::path& results, int index, int count);

// Where the tables go unless told otherwise.
std::filesystem::path ReportDir(const std::filesystem::path& results);
// The report's plots (reports/plots.h).
std::filesystem::path PlotsDir(const std::filesystem::path& report);
// The report's overlays of images hard and soft sharing classify differently (study/overlays.h).
std::filesystem::path OverlaysDir(const std::filesystem::path& report);

}  // namespace nerve_mtl::trial

#endif  // NERVE_MTL_TRIAL_LAYOUT_H_
