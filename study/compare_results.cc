#include "study/compare_results.h"

#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"

namespace nerve_mtl::study {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Fields that measure the machine, not the training (full names, so a field of the same name
// elsewhere is still compared).
bool Skipped(const FieldDescriptor* field) {
  static const std::set<std::string>* const kSkipped = new std::set<std::string>{
      "nerve_mtl.study.EpochRecord.seconds",   "nerve_mtl.study.EpochRecord.images_per_second",
      "nerve_mtl.study.Result.train_seconds",  "nerve_mtl.study.Result.images_per_second",
      "nerve_mtl.study.Result.environment",
  };
  return kSkipped->count(field->full_name()) > 0;
}

// The shortest text that reads back as the same double: two doubles that differ never print
// alike, and 0.1 stays 0.1.
std::string FormatDouble(double v) {
  char buffer[64];
  const std::to_chars_result end = std::to_chars(buffer, buffer + sizeof(buffer), v);
  return std::string(buffer, end.ptr);
}

class Comparer {
 public:
  explicit Comparer(double tolerance) : tolerance_(tolerance) {}

  void Messages(const Message& a, const Message& b, const std::string& path) {
    const google::protobuf::Descriptor* descriptor = a.GetDescriptor();
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* field = descriptor->field(i);
      if (Skipped(field)) continue;
      const std::string name = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
      if (field->is_map()) {
        Maps(a, b, field, name);
      } else if (field->is_repeated()) {
        Repeated(a, b, field, name);
      } else {
        Value(a, b, field, -1, name);
      }
    }
  }

  std::vector<MovedValue> moved;

 private:
  void Repeated(const Message& a, const Message& b, const FieldDescriptor* field,
                const std::string& name) {
    const int na = a.GetReflection()->FieldSize(a, field);
    const int nb = b.GetReflection()->FieldSize(b, field);
    if (na != nb) {
      moved.push_back({absl::StrCat(name, " (entries)"), absl::StrCat(na), absl::StrCat(nb)});
    }
    for (int i = 0; i < std::min(na, nb); ++i) {
      Value(a, b, field, i, absl::StrCat(name, "[", i, "]"));
    }
  }

  // A map entry's key and value as text, keyed by the key.
  static std::map<std::string, const Message*> Entries(const Message& m, const FieldDescriptor* field) {
    std::map<std::string, const Message*> entries;
    const Reflection* r = m.GetReflection();
    for (int i = 0; i < r->FieldSize(m, field); ++i) {
      const Message& entry = r->GetRepeatedMessage(m, field, i);
      std::string key;
      google::protobuf::TextFormat::PrintFieldValueToString(
          entry, entry.GetDescriptor()->FindFieldByNumber(1), -1, &key);
      entries[key] = &entry;
    }
    return entries;
  }

  void Maps(const Message& a, const Message& b, const FieldDescriptor* field,
            const std::string& name) {
    const std::map<std::string, const Message*> ea = Entries(a, field), eb = Entries(b, field);
    for (const auto& [key, entry] : ea) {
      const std::string path = absl::StrCat(name, "[", key, "]");
      auto it = eb.find(key);
      if (it == eb.end()) {
        moved.push_back({path, Text(*entry), "absent"});
        continue;
      }
      Value(*entry, *it->second, entry->GetDescriptor()->FindFieldByNumber(2), -1, path);
    }
    for (const auto& [key, entry] : eb) {
      if (ea.count(key) == 0) moved.push_back({absl::StrCat(name, "[", key, "]"), "absent", Text(*entry)});
    }
  }

  static std::string Text(const Message& entry) {
    std::string text;
    google::protobuf::TextFormat::PrintFieldValueToString(
        entry, entry.GetDescriptor()->FindFieldByNumber(2), -1, &text);
    return text;
  }

  // Field `field` of a and b (element `index` when repeated, else -1).
  void Value(const Message& a, const Message& b, const FieldDescriptor* field, int index,
             const std::string& path) {
    const Reflection* ra = a.GetReflection();
    const Reflection* rb = b.GetReflection();
    const bool repeated = index >= 0;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      Messages(repeated ? ra->GetRepeatedMessage(a, field, index) : ra->GetMessage(a, field),
               repeated ? rb->GetRepeatedMessage(b, field, index) : rb->GetMessage(b, field), path);
      return;
    }
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE ||
        field->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
      auto get = [&](const Message& m, const Reflection* r) {
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
          return static_cast<double>(repeated ? r->GetRepeatedFloat(m, field, index)
                                              : r->GetFloat(m, field));
        }
        return repeated ? r->GetRepeatedDouble(m, field, index) : r->GetDouble(m, field);
      };
      const double x = get(a, ra), y = get(b, rb);
      const bool same = (std::isnan(x) && std::isnan(y)) || x == y || std::abs(x - y) <= tolerance_;
      if (!same) moved.push_back({path, FormatDouble(x), FormatDouble(y)});
      return;
    }
    std::string x, y;
    google::protobuf::TextFormat::PrintFieldValueToString(a, field, index, &x);
    google::protobuf::TextFormat::PrintFieldValueToString(b, field, index, &y);
    if (x != y) moved.push_back({path, x, y});
  }

  const double tolerance_;
};

}  // namespace

std::vector<MovedValue> CompareResults(const Result& saved, const Result& rerun, double tolerance) {
  Comparer comparer(tolerance);
  comparer.Messages(saved, rerun, "");
  return comparer.moved;
}

std::string DescribeMovedValue(const MovedValue& moved) {
  return absl::StrCat(moved.field, ": ", moved.saved, " (saved) -> ", moved.rerun, " (rerun)");
}

}  // namespace nerve_mtl::study
