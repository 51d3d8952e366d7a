#include "reports/delta_m_section.h"

#include <string>

#include "gtest/gtest.h"
#include "reports/tables.h"

namespace nerve_mtl::reports {
namespace {

Table OneColumnTable(const std::string& name, const std::string& key, const std::string& baseline,
                     const std::vector<std::pair<std::string, double>>& means) {
  Table t;
  t.name = name;
  t.baseline = baseline;
  Column column;
  column.key = key;
  t.columns.push_back(column);
  for (const auto& [label, mean] : means) {
    Row row;
    row.label = label;
    Cell cell;
    cell.mean = mean;
    row.cells.push_back(cell);
    t.rows.push_back(row);
  }
  return t;
}

// QuickFCN: Dice 0.66 against QuickNAT's 0.60 (+10%), accuracy 0.72 against ResNet-18's 0.80
// (-10%): Δm = 0. Soft: 0.75 (+25%) and 0.88 (+10%): Δm = +17.5.
TEST(DeltaMSectionTest, OneLinePerRowWithBothTasks) {
  Report report;
  report.tables.push_back(OneColumnTable(
      "segmentation", "test_dice", "QuickNAT",
      {{"QuickNAT", 0.60}, {"QuickFCN", 0.66}, {"Soft", 0.75}}));
  report.tables.push_back(OneColumnTable(
      "classification", "test_accuracy", "ResNet-18",
      {{"ResNet-18", 0.80}, {"QuickFCN", 0.72}, {"Soft", 0.88}}));
  const Section section = DeltaMSection(report);
  EXPECT_NE(section.markdown.find("| QuickFCN | 0.6600 | 0.7200 | +0.00 |"), std::string::npos)
      << section.markdown;
  EXPECT_NE(section.markdown.find("| Soft | 0.7500 | 0.8800 | +17.50 |"), std::string::npos)
      << section.markdown;
  EXPECT_EQ(section.markdown.find("| QuickNAT |"), std::string::npos) << "a single-task row";
  EXPECT_NE(section.json.find("\"label\": \"Soft\", \"dice\": 0.75, \"accuracy\": 0.88, "
                              "\"delta_m_percent\": 17.5"),
            std::string::npos)
      << section.json;
}

TEST(DeltaMSectionTest, SaysWhyWithoutBaselines) {
  Report report;
  report.tables.push_back(
      OneColumnTable("segmentation", "test_dice", "", {{"QuickFCN", 0.66}}));
  report.tables.push_back(
      OneColumnTable("classification", "test_accuracy", "", {{"QuickFCN", 0.7}}));
  EXPECT_NE(DeltaMSection(report).markdown.find("needs both single-task baselines"),
            std::string::npos);
}

}  // namespace
}  // namespace nerve_mtl::reports
