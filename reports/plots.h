#ifndef NERVE_MTL_REPORTS_PLOTS_H_
#define NERVE_MTL_REPORTS_PLOTS_H_

// Figures of a study, drawn by gnuplot (Debian's gnuplot-nox) from trial results alone: learning
// curves, task weights, cross-stitch alphas and confusion matrices, each as SVG and PNG with the
// .dat file it was drawn from. Prediction overlays need model weights and images, so they are
// not made here.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "trial/result.pb.h"

namespace nerve_mtl::reports {

struct PlotOptions {
  std::string gnuplot = "/usr/bin/gnuplot";
  // Row labels in the wanted order, as ReportOptions::order.
  std::vector<std::string> order;
  // Also write PNG (pngcairo where gnuplot has it, else the libgd png terminal).
  bool png = true;
};

// Writes into `out_dir`, replacing it whole: everything is drawn in a temporary sibling
// directory first, so a failure leaves `out_dir` as it was. Files, per successful trials and
// averaged over seeds per epoch:
//   train_loss, val_dice, val_accuracy   one line per row label
//   task_weights_<row>                   rows that train both tasks
//   cross_stitch_<row>                   rows with "cross_stitch/..." diagnostics
//   confusion_<row>                      classifying rows, summed over seeds
// each as .dat, .svg and .png, and plots.gp, the gnuplot script that drew them (run it in
// `out_dir` to redraw). <row> is the label in lower case with runs of other characters as '_'.
// Returns the file names written, sorted. Errors: FailedPrecondition when gnuplot is missing;
// gnuplot's own first error line when it fails.
absl::StatusOr<std::vector<std::string>> WritePlots(const std::vector<study::Result>& results,
                                                    const std::string& out_dir,
                                                    const PlotOptions& options = {});

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_PLOTS_H_
