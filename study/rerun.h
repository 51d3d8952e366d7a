#ifndef NERVE_MTL_STUDY_RERUN_H_
#define NERVE_MTL_STUDY_RERUN_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "trial/experiment.pb.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {

// A trained trial as its folder holds it.
struct SavedTrial {
  std::string dir;
  Experiment experiment;  // <dir>/experiment.textproto, parsed strictly and validated.
  Result result;          // <dir>/result.textproto.
};

// Reads a trial folder for `//study:train --rerun`. A missing or unreadable file, a spec that
// does not validate and a trial that did not finish (status not OK: nothing to compare with)
// are InvalidArgument naming the file.
absl::StatusOr<SavedTrial> ReadSavedTrial(const std::string& dir);

// Where a rerun trains: `out` when given (never the trial's own folder, whose files it would
// overwrite or resume from: InvalidArgument), else a folder that does not exist yet,
// <base>/<trial id>, <base>/<trial id>-2, ...
absl::StatusOr<std::string> RerunDir(const SavedTrial& trial, const std::string& out,
                                     const std::string& base);

// Why values may move besides the training itself: the spec edited since the trial ran (its
// hash is not the result's trial id), another thread count, device mode or LibTorch.
std::vector<std::string> RerunNotes(const SavedTrial& trial, const Result& rerun);

// Compares the rerun with the saved result (CompareResults) and prints either that they are
// identical or each moved value with both numbers. Returns whether none moved.
bool ReportRerun(const SavedTrial& trial, const Result& rerun, double tolerance,
                 std::ostream& out);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_RERUN_H_
