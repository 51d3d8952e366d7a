#ifndef NERVE_MTL_COMMON_TEXTPROTO_H_
#define NERVE_MTL_COMMON_TEXTPROTO_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace nerve_mtl {

// Parses text-format `text` into `message` (cleared first). Unknown fields and misspelled enum
// values are errors. The error message is one line: "<source>:<line>:<column>: <problem>".
absl::Status ParseTextProto(std::string_view text, const std::string& source,
                            google::protobuf::Message* message);

// Reads and parses a text-format file; errors name the file (and line and column).
absl::Status ReadTextProtoFile(const std::string& path, google::protobuf::Message* message);

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_TEXTPROTO_H_
