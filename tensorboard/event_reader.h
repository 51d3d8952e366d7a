#ifndef NERVE_MTL_TENSORBOARD_EVENT_READER_H_
#define NERVE_MTL_TENSORBOARD_EVENT_READER_H_

// Reads TensorBoard event files back, for tests and for tools that turn a run's curves into
// tables and plots.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tensorboard/tensorboard.pb.h"

namespace nerve_mtl::tensorboard {

// Every record of the file, in order, each checked against both of its CRCs. A bad CRC, a
// truncated record or an unparsable Event is an error naming the file, the record index
// (0-based) and its byte offset.
absl::StatusOr<std::vector<tensorboard::Event>> ReadEventFile(const std::string& path);

}  // namespace nerve_mtl::tensorboard

#endif  // NERVE_MTL_TENSORBOARD_EVENT_READER_H_
