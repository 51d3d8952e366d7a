#include "reports/plots.h"

#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/files.h"
#include "common/text.h"
#include "reports/tables.h"

namespace nerve_mtl::reports {
namespace {

namespace fs = std::filesystem;
using study::EpochRecord;
using study::Result;

constexpr char kScript[] = "plots.gp";
// Line plots: the key beside the plot, and some room so a constant line (a fixed task weight)
// does not vanish into the border.
constexpr char kLineSetup[] =
    "set key outside right top\nset grid\nset offsets 0, 0, graph 0.05, graph 0.05\n";

// One figure: its data file and the gnuplot commands that draw it on the current terminal.
struct Plot {
  std::string stem;
  std::string data;
  std::string body;
};

struct LabelTrials {
  std::string label;
  std::string slug;
  std::vector<const Result*> ok;
};

// Mean over a row's trials (seeds, and folds) per epoch of the finite values.
class Series {
 public:
  void Add(int epoch, double value) {
    if (!std::isfinite(value)) return;
    auto& [sum, count] = sums_[epoch];
    sum += value;
    ++count;
  }
  bool empty() const { return sums_.empty(); }
  std::set<int> Epochs() const {
    std::set<int> epochs;
    for (const auto& [epoch, sum_count] : sums_) epochs.insert(epoch);
    return epochs;
  }
  double Mean(int epoch) const {
    auto it = sums_.find(epoch);
    return it == sums_.end() ? kMissing : it->second.first / it->second.second;
  }

 private:
  std::map<int, std::pair<double, int>> sums_;
};

int EpochOf(const EpochRecord& record, int index) {
  return record.has_epoch() ? record.epoch() : index;
}

std::string Number(double value) {
  return std::isfinite(value) ? absl::StrFormat("%.10g", value) : "NaN";
}

// A gnuplot string literal: single quotes take everything literally but '' for a quote.
std::string Quote(const std::string& s) {
  return absl::StrCat("'", absl::StrReplaceAll(OneLine(s), {{"'", "''"}}), "'");
}

std::string ShellQuote(const std::string& s) {
  return absl::StrCat("'", absl::StrReplaceAll(s, {{"'", "'\\''"}}), "'");
}

// File-name part for a row label; unique among the rows.
std::string Slug(const std::string& label, std::set<std::string>* taken) {
  std::string slug;
  for (char ch : label) {
    const unsigned char u = static_cast<unsigned char>(ch);
    if (std::isalnum(u) && u < 0x80) {
      slug += static_cast<char>(std::tolower(u));
    } else if (!slug.empty() && slug.back() != '_') {
      slug += '_';
    }
  }
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  if (slug.empty()) slug = "row";
  std::string unique = slug;
  for (int i = 2; !taken->insert(unique).second; ++i) unique = absl::StrCat(slug, "_", i);
  return unique;
}

// Runs a shell command, returning its exit status and what it printed (stderr included).
std::pair<int, std::string> RunCommand(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "cannot start a shell"};
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// gnuplot-nox may be built without cairo; its libgd png terminal is the fallback.
std::string PngTerminal(const std::string& gnuplot) {
  const auto [status, output] = RunCommand(ShellQuote(gnuplot) + " -e 'set terminal' 2>&1");
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    const std::vector<absl::string_view> words = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (!words.empty() && words[0] == "pngcairo") {
      return "set terminal pngcairo size 900,540 noenhanced font 'Sans,10' background '#ffffff'";
    }
  }
  return "set terminal png size 900,540 noenhanced background '#ffffff'";
}

// One line per row: the per-epoch mean over trials of `value` (rows without any are left out).
std::optional<Plot> LearningCurve(const std::vector<LabelTrials>& rows, const std::string& stem,
                                  const std::string& title, const std::string& ylabel,
                                  const std::function<double(const EpochRecord&)>& value) {
  Plot plot;
  plot.stem = stem;
  std::vector<std::string> lines;
  for (const LabelTrials& row : rows) {
    Series series;
    for (const Result* r : row.ok) {
      for (int i = 0; i < r->epoch_size(); ++i)
        series.Add(EpochOf(r->epoch(i), i), value(r->epoch(i)));
    }
    if (series.empty()) continue;
    if (!lines.empty()) plot.data += "\n\n";  // gnuplot's index separator.
    absl::StrAppend(&plot.data, "# ", OneLine(row.label), "\n# epoch ", stem, "\n");
    for (int epoch : series.Epochs()) {
      absl::StrAppend(&plot.data, epoch, " ", Number(series.Mean(epoch)), "\n");
    }
    lines.push_back(absl::StrCat(lines.empty() ? Quote(stem + ".dat") : "''", " index ",
                                 lines.size(), " using 1:2 with linespoints title ",
                                 Quote(row.label)));
  }
  if (lines.empty()) return std::nullopt;
  plot.body = absl::StrCat("set title ", Quote(title + " (mean over trials)"),
                           "\nset xlabel 'epoch'\nset ylabel ", Quote(ylabel), "\n", kLineSetup,
                           "plot ", absl::StrJoin(lines, ", \\\n     "), "\n");
  return plot;
}

std::optional<Plot> TaskWeights(const LabelTrials& row) {
  Series weights[2];
  for (const Result* r : row.ok) {
    if (!r->test().has_segmentation() || !r->test().has_classification()) continue;
    for (int i = 0; i < r->epoch_size(); ++i) {
      const EpochRecord& e = r->epoch(i);
      if (e.task_weight_size() < 2) continue;
      for (int t = 0; t < 2; ++t) weights[t].Add(EpochOf(e, i), e.task_weight(t));
    }
  }
  if (weights[0].empty() && weights[1].empty()) return std::nullopt;
  Plot plot;
  plot.stem = absl::StrCat("task_weights_", row.slug);
  absl::StrAppend(&plot.data, "# ", OneLine(row.label), "\n# epoch segmentation classification\n");
  std::set<int> epochs = weights[0].Epochs();
  for (int epoch : weights[1].Epochs()) epochs.insert(epoch);
  for (int epoch : epochs) {
    absl::StrAppend(&plot.data, epoch, " ", Number(weights[0].Mean(epoch)), " ",
                    Number(weights[1].Mean(epoch)), "\n");
  }
  const std::string strategy = row.ok.front()->experiment().loss().strategy();
  plot.body = absl::StrCat(
      "set title ",
      Quote(absl::StrCat(row.label, ": task weights",
                         strategy.empty() ? "" : absl::StrCat(" (", strategy, ")"),
                         ", mean over trials")),
      "\nset xlabel 'epoch'\nset ylabel 'weight'\n", kLineSetup, "plot ", Quote(plot.stem + ".dat"),
      " using 1:2 with linespoints title 'segmentation', \\\n     '' "
      "using 1:3 with linespoints title 'classification'\n");
  return plot;
}

std::optional<Plot> CrossStitch(const LabelTrials& row) {
  constexpr absl::string_view kPrefix = "cross_stitch/";
  std::map<std::string, Series> alphas;
  for (const Result* r : row.ok) {
    for (int i = 0; i < r->epoch_size(); ++i) {
      for (const auto& [name, value] : r->epoch(i).diagnostics()) {
        if (absl::string_view(name).substr(0, kPrefix.size()) != kPrefix) continue;
        alphas[name].Add(EpochOf(r->epoch(i), i), value);
      }
    }
  }
  if (alphas.empty()) return std::nullopt;
  Plot plot;
  plot.stem = absl::StrCat("cross_stitch_", row.slug);
  std::set<int> epochs;
  std::vector<std::string> lines;
  // Names are "cross_stitch/<unit>/<ss|sc|cs|cc>": one colour per alpha kind and one dash
  // pattern per unit keep a dozen lines apart.
  std::map<std::string, int> units, kinds;
  absl::StrAppend(&plot.data, "# ", OneLine(row.label), "\n# epoch");
  for (const auto& [name, series] : alphas) {
    for (int epoch : series.Epochs()) epochs.insert(epoch);
    absl::StrAppend(&plot.data, " ", name);
    const std::string shown = name.substr(kPrefix.size());
    const std::pair<std::string, std::string> unit_kind = absl::StrSplit(shown, '/');
    const int unit = units.emplace(unit_kind.first, units.size()).first->second;
    const int kind = kinds.emplace(unit_kind.second, kinds.size()).first->second;
    lines.push_back(absl::StrCat(lines.empty() ? Quote(plot.stem + ".dat") : "''", " using 1:",
                                 lines.size() + 2, " with lines linecolor ", kind + 1, " dashtype ",
                                 unit % 5 + 1, " title ", Quote(absl::StrCat("unit ", shown))));
  }
  absl::StrAppend(&plot.data, "\n");
  for (int epoch : epochs) {
    absl::StrAppend(&plot.data, epoch);
    for (const auto& [name, series] : alphas)
      absl::StrAppend(&plot.data, " ", Number(series.Mean(epoch)));
    absl::StrAppend(&plot.data, "\n");
  }
  plot.body = absl::StrCat(
      "set title ", Quote(row.label + ": cross-stitch alpha (channel mean, mean over trials)"),
      "\nset xlabel 'epoch'\nset ylabel 'alpha'\n", kLineSetup, "plot ",
      absl::StrJoin(lines, ", \\\n     "), "\n");
  return plot;
}

std::optional<Plot> Confusion(const LabelTrials& row) {
  int classes = 0;
  std::vector<long long> counts;
  int seeds = 0;
  std::vector<std::string> names;
  for (const Result* r : row.ok) {
    const study::SplitMetrics& t = r->test();
    const int k = t.classes();
    if (k <= 0 || t.confusion_size() != k * k) continue;
    if (classes == 0) {
      classes = k;
      counts.assign(static_cast<size_t>(k) * k, 0);
      // Only a manifest spec names its classes; otherwise the axes show label numbers.
      const auto& spec_names = r->experiment().data().manifest().class_names();
      if (spec_names.size() == k) names.assign(spec_names.begin(), spec_names.end());
    }
    if (k != classes) continue;
    for (int i = 0; i < k * k; ++i) counts[i] += t.confusion(i);
    ++seeds;
  }
  if (classes == 0) return std::nullopt;
  if (names.empty()) {
    for (int i = 0; i < classes; ++i) names.push_back(absl::StrCat(i));
  }
  Plot plot;
  plot.stem = absl::StrCat("confusion_", row.slug);
  absl::StrAppend(&plot.data, "# ", OneLine(row.label),
                  "\n# test confusion matrix summed over trials: rows true, columns predicted\n");
  long long most = 1;
  for (int i = 0; i < classes; ++i) {
    for (int j = 0; j < classes; ++j) {
      const long long c = counts[static_cast<size_t>(i) * classes + j];
      most = std::max(most, c);
      absl::StrAppend(&plot.data, j == 0 ? "" : " ", c);
    }
    absl::StrAppend(&plot.data, "\n");
  }
  std::vector<std::string> tics;
  for (int i = 0; i < classes; ++i) tics.push_back(absl::StrCat(Quote(names[i]), " ", i));
  const std::string tic_list = absl::StrCat("(", absl::StrJoin(tics, ", "), ")");
  plot.body = absl::StrCat(
      "set title ",
      Quote(absl::StrCat(row.label, ": test confusion matrix, ", seeds,
                         seeds == 1 ? " seed" : " seeds summed")),
      "\nset xlabel 'predicted'\nset ylabel 'true'\nset xtics ", tic_list, "\nset ytics ", tic_list,
      "\nset xrange [-0.5:", classes - 0.5, "]\nset yrange [", classes - 0.5,
      ":-0.5]\nset cbrange [0:", most,
      "]\nset palette defined (0 '#ffffff', 1 '#08519c')\nset size square\nunset key\nplot ",
      Quote(plot.stem + ".dat"),
      " matrix with image pixels, \\\n     '' matrix using 1:2:"
      "(sprintf('%d', int($3))):($3 > ",
      most / 2.0, " ? 0xffffff : 0x000000) with labels textcolor rgb variable\n");
  return plot;
}

absl::Status WriteFile(const fs::path& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat(path.string(), ": cannot write"));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> Draw(const std::vector<Plot>& plots, const fs::path& dir,
                                              const PlotOptions& options) {
  std::string script =
      "# Drawn by //reports:plots; run `gnuplot plots.gp` here to redraw.\n"
      "set encoding utf8\n";
  const std::string png = options.png ? PngTerminal(options.gnuplot) : "";
  std::vector<std::string> files = {kScript};
  for (const Plot& plot : plots) {
    if (absl::Status s = WriteFile(dir / (plot.stem + ".dat"), plot.data); !s.ok()) return s;
    files.push_back(plot.stem + ".dat");
    files.push_back(plot.stem + ".svg");
    absl::StrAppend(&script, "\n# ", plot.stem,
                    "\nset terminal svg size 900,540 noenhanced font 'Sans,12' "
                    "background '#ffffff'\nset output ",
                    Quote(plot.stem + ".svg"), "\n", plot.body);
    if (options.png) {
      files.push_back(plot.stem + ".png");
      absl::StrAppend(&script, png, "\nset output ", Quote(plot.stem + ".png"), "\nreplot\n");
    }
    absl::StrAppend(&script, "set output\nreset\n");
  }
  if (absl::Status s = WriteFile(dir / kScript, script); !s.ok()) return s;
  if (!plots.empty()) {
    const auto [status, output] =
        RunCommand(absl::StrCat("cd ", ShellQuote(dir.string()), " && ",
                                ShellQuote(options.gnuplot), " ", kScript, " 2>&1 </dev/null"));
    if (status != 0) {
      std::string first;
      for (absl::string_view line : absl::StrSplit(output, '\n', absl::SkipWhitespace())) {
        first = std::string(line);
        if (absl::StrContains(line, "rror") || absl::StrContains(line, "line ")) break;
      }
      return absl::InternalError(
          absl::StrCat(options.gnuplot, " failed (exit ", status, ") on ", kScript, ": ", first));
    }
  }
  std::error_code error;
  for (const std::string& file : files) {
    if (fs::file_size(dir / file, error) == 0 || error) {
      return absl::InternalError(absl::StrCat(options.gnuplot, " did not write ", file));
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> WritePlots(const std::vector<Result>& results,
                                                    const std::string& out_dir,
                                                    const PlotOptions& options) {
  if (access(options.gnuplot.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        options.gnuplot, ": gnuplot not found; install Debian's gnuplot-nox to draw plots"));
  }
  std::vector<LabelTrials> rows;
  std::set<std::string> slugs;
  for (const std::string& label : OrderLabels(results, options.order)) {
    LabelTrials row;
    row.label = label;
    for (const Result& r : results) {
      if (r.experiment().name() == label && r.status() == Result::OK) row.ok.push_back(&r);
    }
    if (row.ok.empty()) continue;
    row.slug = Slug(label, &slugs);
    rows.push_back(std::move(row));
  }

  std::vector<Plot> plots;
  auto add = [&plots](std::optional<Plot> plot) {
    if (plot.has_value()) plots.push_back(std::move(*plot));
  };
  add(LearningCurve(rows, "train_loss", "Training loss", "loss", [](const EpochRecord& e) {
    return e.has_train_loss() ? e.train_loss() : kMissing;
  }));
  add(LearningCurve(rows, "val_dice", "Validation Dice", "Dice", [](const EpochRecord& e) {
    return e.has_val_dice() ? e.val_dice() : kMissing;
  }));
  add(LearningCurve(
      rows, "val_accuracy", "Validation accuracy", "accuracy",
      [](const EpochRecord& e) { return e.has_val_accuracy() ? e.val_accuracy() : kMissing; }));
  for (const LabelTrials& row : rows) add(TaskWeights(row));
  for (const LabelTrials& row : rows) add(CrossStitch(row));
  for (const LabelTrials& row : rows) add(Confusion(row));

  // Drawn in a sibling of out_dir and swapped in when complete (common/files.h).
  std::vector<std::string> files;
  absl::Status drawn = ReplaceDirectory(out_dir, [&](const std::string& dir) -> absl::Status {
    absl::StatusOr<std::vector<std::string>> written = Draw(plots, dir, options);
    if (!written.ok()) return written.status();
    files = *std::move(written);
    return absl::OkStatus();
  });
  if (!drawn.ok()) return drawn;
  return files;
}

}  // namespace nerve_mtl::reports
