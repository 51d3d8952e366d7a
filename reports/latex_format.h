#ifndef NERVE_MTL_REPORTS_LATEX_FORMAT_H_
#define NERVE_MTL_REPORTS_LATEX_FORMAT_H_

// Numbers for decimal-aligned LaTeX table columns without extra packages. The numbers of one
// column share their precision, so right-aligned in an `r` column they align on the decimal
// point (TeX's digits are all one width); what breaks that is handled here.

#include <string>

namespace nerve_mtl::reports {

// A fixed-precision number ("0.8500", "12") for an `r` column. Bold digits are wider, so a bold
// number keeps the regular width right of its point: its fraction is set over a phantom of the
// regular one (\rlap), and its point stays in line with the others'.
std::string LatexAlignedNumber(const std::string& number, bool bold);

// A number as printf's %g writes it ("0.0123", "7.63e-06", "1") as the two math-mode cells of an
// `r@{}l` column pair, split at the decimal point so that points align whatever the digits:
// "$0$ & $.0123$", "$7$ & $.63\times10^{-6}$", "$1$ & $$".
std::string LatexPointAlignedCells(const std::string& number);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_LATEX_FORMAT_H_
