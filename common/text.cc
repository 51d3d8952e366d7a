#include "common/text.h"

#include "absl/strings/str_replace.h"

namespace nerve_mtl {

std::string OneLine(absl::string_view s) {
  return absl::StrReplaceAll(s, {{"\r\n", " "}, {"\n", " "}, {"\r", " "}});
}

}  // namespace nerve_mtl
