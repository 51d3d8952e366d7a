#ifndef NERVE_MTL_COMMON_PROTO_UTIL_H_
#define NERVE_MTL_COMMON_PROTO_UTIL_H_

#include <string>

#include "google/protobuf/message.h"

namespace nerve_mtl {

// Sets every unset singular field to its default, recursively into sub-messages (creating them)
// but only into the set member of a oneof. Afterwards the message spells out every value that
// governs a run, and two specs that mean the same serialize the same.
void FillDefaults(google::protobuf::Message* message);

// Merges the fields set in `from` into `to`: singular scalars replace, sub-messages merge
// recursively, and a repeated field set in `from` replaces the whole list (protobuf's MergeFrom
// would append, which is never what a layered spec means).
void MergeReplacingRepeated(const google::protobuf::Message& from, google::protobuf::Message* to);

// Whether `field` of `message` holds something other than its default: a set singular value
// unequal to the field's default, a non-empty repeated field, or a sub-message where a field
// does. A value FillDefaults spelled out does not count, so a resolved spec and the spec it came
// from agree (validators use it to refuse options a component would ignore).
bool DiffersFromDefault(const google::protobuf::Message& message,
                        const google::protobuf::FieldDescriptor* field);

// 16 hex digits identifying the message's content: FNV-1a 64 over its deterministic
// serialization after FillDefaults, finished with a 64-bit mixer. Stable across runs and machines of one protobuf version.
std::string StableHash(const google::protobuf::Message& message);

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_PROTO_UTIL_H_
