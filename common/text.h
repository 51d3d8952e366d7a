#ifndef NERVE_MTL_COMMON_TEXT_H_
#define NERVE_MTL_COMMON_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace nerve_mtl {

// `s` with every line break ("\r\n", "\n", "\r") replaced by one space. Text that comes from
// files or libraries (a trial's label, a failure's reason, libtiff's message) goes into
// one-line places: a table cell, a comment of a plot's data, an error line on stderr (README,
// "Exit status").
std::string OneLine(absl::string_view s);

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_TEXT_H_
