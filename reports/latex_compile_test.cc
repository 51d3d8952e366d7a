// The LaTeX tables compile as a paper would include them: every table of a report (bold best
// values, a one-seed row without std, a missing cell, p-values with exponents, a failed trial)
// and every committed table under reports/results/, each \input into a minimal article with
// booktabs (the one package the tables ask for), through pdflatex. pdflatex comes from
// texlive-latex-recommended in the lock; without it the test fails rather than skips.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "reports/tables.h"
#include "reports/tables_latex.h"

namespace nerve_mtl::reports {
namespace {

namespace fs = std::filesystem;
using study::Result;

Result Trial(const std::string& label, const std::string& model, int seed) {
  Result r;
  r.set_status(Result::OK);
  r.set_trial_id(absl::StrCat(label.size(), model, seed));
  r.mutable_experiment()->set_name(label);
  r.mutable_experiment()->set_seed(seed);
  r.mutable_experiment()->mutable_model()->set_name(model);
  r.mutable_environment()->set_device("cpu fp32 deterministic");
  r.set_parameters(1000 + 10 * seed);
  r.set_train_seconds(12.5 + seed);
  r.set_images_per_second(40);
  study::SplitMetrics* t = r.mutable_test();
  const bool segments = model != "resultnet", classifies = model != "quicknat";
  for (int i = 0; i < 24; ++i) {
    t->add_image_id(absl::StrCat("p", i / 6, "/", i));
    t->add_image_patient(absl::StrCat("p", i / 6));
    if (segments) t->add_image_dice(0.5 + 0.02 * (i % 7) + (model == "quickfcn" ? 0.05 : 0) + 0.01 * seed);
    if (classifies) {
      t->add_image_true_label(i % 3);
      t->add_image_predicted_label((i + (i % 4 == 0) + seed) % 3);
    }
  }
  if (segments) {
    t->set_has_segmentation(true);
    t->set_dice(0.6 + 0.01 * seed + (model == "quickfcn" ? 0.05 : 0));
    t->set_iou(0.5 + 0.01 * seed);
    t->set_hd95(12.25 - seed);
  }
  if (classifies) {
    t->set_has_classification(true);
    t->set_classes(3);
    t->set_accuracy(0.5 + 0.1 * seed);
    t->set_macro_f1(0.45 + 0.1 * seed);
    for (int i = 0; i < 9; ++i) t->add_confusion(i % 4 == 0 ? 6 : 1);
  }
  if (segments && classifies) {
    t->set_dice_correct(0.7);
    t->set_dice_wrong(0.4 + 0.01 * seed);
    t->set_n_correct(16);
    t->set_n_wrong(8);
  }
  return r;
}

std::vector<Result> Results() {
  std::vector<Result> results;
  for (int seed = 0; seed < 3; ++seed) {
    results.push_back(Trial("QuickNAT", "quicknat", seed));
    results.push_back(Trial("ResNet-18", "resultnet", seed));
    results.push_back(Trial("QuickFCN / linear & 50% CE_weight", "quickfcn", seed));
  }
  results.push_back(Trial("SoftQuickFCN / uncertainty", "softquickfcn", 0));  // One seed: no std.
  Result failed = Trial("SoftQuickFCN / uncertainty", "softquickfcn", 1);
  failed.set_status(Result::FAILED);
  failed.set_failure("epoch 2 step 3: segmentation loss is NaN");
  failed.clear_test();
  results.push_back(failed);
  return results;
}

// pdflatex on a minimal article that \inputs `tables`; returns its log when it fails.
std::string Compile(const std::string& dir, const std::vector<std::string>& tables) {
  fs::create_directories(dir);
  std::ofstream doc(dir + "/paper.tex");
  doc << "\\documentclass{article}\n\\usepackage[margin=1cm,landscape]{geometry}\n"
         "\\usepackage{booktabs}\n\\begin{document}\n";
  for (const std::string& t : tables) doc << "\\input{" << t << "}\n\\bigskip\n\n";
  doc << "\\end{document}\n";
  doc.close();
  const std::string command = absl::StrCat("cd '", dir,
                                           "' && pdflatex -interaction=nonstopmode -halt-on-error "
                                           "paper.tex >pdflatex.out 2>&1");
  const int rc = std::system(command.c_str());
  std::ifstream log(dir + "/pdflatex.out");
  std::stringstream text;
  text << log.rdbuf();
  if (rc != 0 || !fs::exists(dir + "/paper.pdf")) {
    return absl::StrCat("pdflatex exit ", rc, " (texlive-latex-recommended is in the lock; "
                        "tools/setup.sh installs it):\n", text.str());
  }
  return "";
}

TEST(LatexCompileTest, GeneratedTablesCompile) {
  absl::StatusOr<Report> report = BuildReport(Results());
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string dir = absl::StrCat(std::getenv("TEST_TMPDIR"), "/generated");
  fs::create_directories(dir);
  std::vector<std::string> names;
  for (const Table& table : report->tables) {
    const std::string tex = RenderLatex(*report, table);
    std::ofstream(dir + "/" + table.name + ".tex") << tex;
    names.push_back(table.name + ".tex");
  }
  ASSERT_GE(names.size(), 4u);
  const std::string error = Compile(dir, names);
  EXPECT_EQ(error, "");
  // The p-values went through math mode, not as 1.2e-05 text.
  std::ifstream segmentation(dir + "/segmentation.tex");
  std::stringstream text;
  text << segmentation.rdbuf();
  EXPECT_EQ(text.str().find("e-0"), std::string::npos) << text.str();
}

TEST(LatexCompileTest, CommittedTablesCompile) {
  std::vector<std::string> names;
  const std::string dir = absl::StrCat(std::getenv("TEST_TMPDIR"), "/committed");
  fs::create_directories(dir);
  for (const auto& entry : fs::directory_iterator("reports/results")) {
    if (entry.path().extension() != ".tex") continue;
    fs::copy_file(entry.path(), fs::path(dir) / entry.path().filename(),
                  fs::copy_options::overwrite_existing);
    names.push_back(entry.path().filename().string());
  }
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(Compile(dir, names), "");
}

}  // namespace
}  // namespace nerve_mtl::reports
