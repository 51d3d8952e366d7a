#include "common/proto_util.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/text_format.h"

namespace nerve_mtl {

using google::protobuf::FieldDescriptor;

void FillDefaults(google::protobuf::Message* message) {
  const google::protobuf::Descriptor* descriptor = message->GetDescriptor();
  const google::protobuf::Reflection* reflection = message->GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated()) {
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_map()) {
        for (int k = 0; k < reflection->FieldSize(*message, field); ++k) {
          FillDefaults(reflection->MutableRepeatedMessage(message, field, k));
        }
      }
      continue;
    }
    if (const google::protobuf::OneofDescriptor* oneof = field->containing_oneof()) {
      if (reflection->GetOneofFieldDescriptor(*message, oneof) != field) continue;
    }
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        FillDefaults(reflection->MutableMessage(message, field));
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        if (!reflection->HasField(*message, field)) {
          reflection->SetInt32(message, field, field->default_value_int32());
        }
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        if (!reflection->HasField(*message, field)) {
          reflection->SetInt64(message, field, field->default_value_int64());
        }
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        if (!reflection->HasField(*message, field)) {
          reflection->SetUInt32(message, field, field->default_value_uint32());
        }
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        if (!reflection->HasField(*message, field)) {
          reflection->SetUInt64(message, field, field->default_value_uint64());
        }
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        if (!reflection->HasField(*message, field)) {
          reflection->SetDouble(message, field, field->default_value_double());
        }
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        if (!reflection->HasField(*message, field)) {
          reflection->SetFloat(message, field, field->default_value_float());
        }
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        if (!reflection->HasField(*message, field)) {
          reflection->SetBool(message, field, field->default_value_bool());
        }
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        if (!reflection->HasField(*message, field)) {
          reflection->SetEnum(message, field, field->default_value_enum());
        }
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        if (!reflection->HasField(*message, field)) {
          reflection->SetString(message, field, field->default_value_string());
        }
        break;
    }
  }
}

namespace {

// A copy of `message` holding only `field`.
std::unique_ptr<google::protobuf::Message> OnlyField(const google::protobuf::Message& message,
                                                     const FieldDescriptor* field) {
  std::unique_ptr<google::protobuf::Message> one(message.New());
  one->CopyFrom(message);
  std::vector<const FieldDescriptor*> fields;
  one->GetReflection()->ListFields(*one, &fields);
  for (const FieldDescriptor* other : fields) {
    if (other != field) one->GetReflection()->ClearField(one.get(), other);
  }
  return one;
}

}  // namespace

void MergeReplacingRepeated(const google::protobuf::Message& from,
                            google::protobuf::Message* to) {
  std::vector<const FieldDescriptor*> fields;
  from.GetReflection()->ListFields(from, &fields);
  for (const FieldDescriptor* field : fields) {
    if (!field->is_repeated() && field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      MergeReplacingRepeated(from.GetReflection()->GetMessage(from, field),
                             to->GetReflection()->MutableMessage(to, field));
    } else {
      to->GetReflection()->ClearField(to, field);
      to->MergeFrom(*OnlyField(from, field));
    }
  }
}

bool DiffersFromDefault(const google::protobuf::Message& message, const FieldDescriptor* field) {
  const google::protobuf::Reflection* reflection = message.GetReflection();
  if (field->is_repeated()) return reflection->FieldSize(message, field) > 0;
  if (!reflection->HasField(message, field)) return false;
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    const google::protobuf::Message& sub = reflection->GetMessage(message, field);
    const google::protobuf::Descriptor* descriptor = sub.GetDescriptor();
    for (int i = 0; i < descriptor->field_count(); ++i) {
      if (DiffersFromDefault(sub, descriptor->field(i))) return true;
    }
    return false;
  }
  // Printed the way text specs spell them, equal values compare equal whatever their type.
  std::string value, default_value;
  google::protobuf::TextFormat::PrintFieldValueToString(message, field, -1, &value);
  const std::unique_ptr<google::protobuf::Message> empty(message.New());
  google::protobuf::TextFormat::PrintFieldValueToString(*empty, field, -1, &default_value);
  return value != default_value;
}

std::string StableHash(const google::protobuf::Message& message) {
  std::unique_ptr<google::protobuf::Message> filled(message.New());
  filled->CopyFrom(message);
  FillDefaults(filled.get());
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    filled->SerializeToCodedStream(&coded);
  }
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  // FNV-1a barely stirs the high bits for a change near the end (such as the seed): finish with
  // SplitMix64's mixer so that similar specs get unrelated IDs.
  hash = (hash ^ (hash >> 30)) * 0xbf58476d1ce4e5b9ULL;
  hash = (hash ^ (hash >> 27)) * 0x94d049bb133111ebULL;
  hash ^= hash >> 31;
  return absl::StrFormat("%016x", hash);
}

}  // namespace nerve_mtl
