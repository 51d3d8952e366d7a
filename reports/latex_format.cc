#include "reports/latex_format.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "absl/strings/str_cat.h"

namespace nerve_mtl::reports {

std::string LatexAlignedNumber(const std::string& number, bool bold) {
  if (!bold) return number;
  const size_t point = number.find('.');
  if (point == std::string::npos) {
    // No point: the right edges align; the bold digits grow to the left.
    return absl::StrCat("\\phantom{", number, "}\\llap{\\textbf{", number, "}}");
  }
  const std::string fraction = number.substr(point + 1);
  return absl::StrCat("\\textbf{", number.substr(0, point + 1), "}\\rlap{\\textbf{", fraction,
                      "}}\\phantom{", fraction, "}");
}

std::string LatexPointAlignedCells(const std::string& number) {
  std::string mantissa = number, exponent;
  if (const size_t e = number.find('e'); e != std::string::npos) {
    int power = 0;
    const size_t digits = e + 1 + (e + 1 < number.size() && number[e + 1] == '+' ? 1 : 0);
    std::from_chars(number.data() + digits, number.data() + number.size(), power);
    exponent = absl::StrCat("\\times10^{", power, "}");
    mantissa.resize(e);
  }
  const size_t point = std::min(mantissa.find('.'), mantissa.size());
  return absl::StrCat("$", mantissa.substr(0, point), "$ & $", mantissa.substr(point), exponent,
                      "$");
}

}  // namespace nerve_mtl::reports
