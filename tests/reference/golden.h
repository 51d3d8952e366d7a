#ifndef NERVE_MTL_TESTS_REFERENCE_GOLDEN_H_
#define NERVE_MTL_TESTS_REFERENCE_GOLDEN_H_

#include <ATen/core/Tensor.h>

#include <map>
#include <string>

namespace nerve_mtl::reference_testing {

// What the reference checks share (models_reference_check, strategies_reference_check): the
// golden file a make_*_golden.py wrote, a dict of tensors saved with torch.save, named on the
// command line. tests/reference/BUILD says how each test writes it first.

// The golden tensors, by name.
using Golden = std::map<std::string, at::Tensor>;

// The golden file GoldenCheckMain was given, read on first use; a file that cannot be read is a
// test failure and gives no tensors.
const Golden& LoadGolden();

// main() of a reference check: "CHECK GOLDEN_FILE [gtest flags]". Runs every test, or returns 2
// with a usage line when the golden file is not the one argument besides gtest's.
int GoldenCheckMain(int argc, char** argv);

}  // namespace nerve_mtl::reference_testing

#endif  // NERVE_MTL_TESTS_REFERENCE_GOLDEN_H_
