#include "reports/latex_format.h"

#include "gtest/gtest.h"

namespace nerve_mtl::reports {
namespace {

TEST(LatexFormatTest, RegularNumbersStayAsTheyAre) {
  EXPECT_EQ(LatexAlignedNumber("0.8500", false), "0.8500");
  EXPECT_EQ(LatexAlignedNumber("12", false), "12");
}

TEST(LatexFormatTest, BoldKeepsTheRegularWidthRightOfThePoint) {
  EXPECT_EQ(LatexAlignedNumber("0.8500", true), "\\textbf{0.}\\rlap{\\textbf{8500}}\\phantom{8500}");
  EXPECT_EQ(LatexAlignedNumber("12.5", true), "\\textbf{12.}\\rlap{\\textbf{5}}\\phantom{5}");
  EXPECT_EQ(LatexAlignedNumber("1234", true), "\\phantom{1234}\\llap{\\textbf{1234}}");
}

TEST(LatexFormatTest, SplitsAtThePointWithExponentsAsPowersOfTen) {
  EXPECT_EQ(LatexPointAlignedCells("7.63e-06"), "$7$ & $.63\\times10^{-6}$");
  EXPECT_EQ(LatexPointAlignedCells("1e+10"), "$1$ & $\\times10^{10}$");
  EXPECT_EQ(LatexPointAlignedCells("0.0123"), "$0$ & $.0123$");
  EXPECT_EQ(LatexPointAlignedCells("1"), "$1$ & $$");
}

}  // namespace
}  // namespace nerve_mtl::reports
