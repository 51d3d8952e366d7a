#include "reports/deviations.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "reports/row_specs.h"
#include "reports/tables_json.h"
#include "reports/tables_markdown.h"

namespace nerve_mtl::reports {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::OneofDescriptor;
using google::protobuf::Reflection;

// Options every strategy uses; LossSpec's other message fields each belong to one strategy.
const std::set<std::string>& TaskLosses() {
  static const auto* const kTaskLosses = new std::set<std::string>{"dice", "cross_entropy"};
  return *kTaskLosses;
}

template <typename T>
std::string Shortest(T value) {
  char buffer[64];
  const std::to_chars_result end =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::general);
  return std::string(buffer, end.ptr);
}

// One value of a field; `index` < 0 for a singular field.
std::string Value(const Message& m, const FieldDescriptor* f, int index) {
  const Reflection* r = m.GetReflection();
  const bool one = index < 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(one ? r->GetInt32(m, f) : r->GetRepeatedInt32(m, f, index));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(one ? r->GetInt64(m, f) : r->GetRepeatedInt64(m, f, index));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(one ? r->GetUInt32(m, f) : r->GetRepeatedUInt32(m, f, index));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(one ? r->GetUInt64(m, f) : r->GetRepeatedUInt64(m, f, index));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return Shortest(one ? r->GetDouble(m, f) : r->GetRepeatedDouble(m, f, index));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return Shortest(one ? r->GetFloat(m, f) : r->GetRepeatedFloat(m, f, index));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (one ? r->GetBool(m, f) : r->GetRepeatedBool(m, f, index)) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return (one ? r->GetEnum(m, f) : r->GetRepeatedEnum(m, f, index))->name();
    case FieldDescriptor::CPPTYPE_STRING: {
      const std::string s = one ? r->GetString(m, f) : r->GetRepeatedString(m, f, index);
      return s.empty() ? "\"\"" : s;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return (one ? r->GetMessage(m, f) : r->GetRepeatedMessage(m, f, index)).ShortDebugString();
  }
  return "?";
}

std::string List(const Message& m, const FieldDescriptor* f) {
  std::vector<std::string> values;
  for (int i = 0; i < m.GetReflection()->FieldSize(m, f); ++i) values.push_back(Value(m, f, i));
  return absl::StrCat("[", absl::StrJoin(values, ", "), "]");
}

bool NotCompared(const std::string& path) {
  const std::vector<std::string>& skipped = NotComparedFields();
  return std::find(skipped.begin(), skipped.end(), path) != skipped.end();
}

// `ours` and `original` are messages of one type; `strategy` is ours' loss.strategy.
void Walk(const Message& ours, const Message& original, const std::string& prefix,
          const std::string& strategy, std::vector<Difference>* out) {
  const Reflection* mine = ours.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  original.GetReflection()->ListFields(original, &fields);  // The set ones, by number.
  for (const FieldDescriptor* f : fields) {
    const std::string path = absl::StrCat(prefix, f->name());
    if (NotCompared(path)) continue;
    if (prefix == "loss." && f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        TaskLosses().count(f->name()) == 0 && f->name() != strategy) {
      continue;  // Another strategy's options: they do nothing in this row.
    }
    if (const OneofDescriptor* oneof = f->containing_oneof(); oneof != nullptr) {
      const FieldDescriptor* set = mine->GetOneofFieldDescriptor(ours, oneof);
      if (set != nullptr && set != f) {
        out->push_back({absl::StrCat(prefix, oneof->name()), set->name(), f->name()});
        continue;
      }
      // Ours sets no member: compared with the member's defaults, which is what an empty
      // oneof means for the one the original states (a split's default is the holdout).
    }
    if (f->is_repeated()) {
      const std::string a = List(ours, f), b = List(original, f);
      if (a != b) out->push_back({path, a, b});
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      Walk(mine->GetMessage(ours, f), original.GetReflection()->GetMessage(original, f),
           absl::StrCat(path, "."), strategy, out);
    } else {
      const std::string a = Value(ours, f, -1), b = Value(original, f, -1);
      if (a != b) out->push_back({path, a, b});
    }
  }
}

// The set member of the oneof at `path` (e.g. "data.source") in `experiment`.
absl::StatusOr<std::string> OneofMember(const study::Experiment& experiment,
                                        const std::string& path) {
  const std::vector<std::string> parts = absl::StrSplit(path, '.');
  const Message* m = &experiment;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const FieldDescriptor* f = m->GetDescriptor()->FindFieldByName(parts[i]);
    if (f == nullptr || f->is_repeated() || f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return absl::InvalidArgumentError(
          absl::StrCat("ours_oneof '", path, "': '", parts[i], "' is no message field"));
    }
    m = &m->GetReflection()->GetMessage(*m, f);
  }
  const OneofDescriptor* oneof = m->GetDescriptor()->FindOneofByName(parts.back());
  if (oneof == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("ours_oneof '", path, "': no oneof '", parts.back(), "'"));
  }
  const FieldDescriptor* set = m->GetReflection()->GetOneofFieldDescriptor(*m, oneof);
  return set == nullptr ? std::string("none set (the default)") : set->name();
}

std::string Rows(const std::vector<std::string>& rows, size_t all) {
  return rows.size() == all ? absl::StrCat("Every row (", all, ")") : absl::StrJoin(rows, ", ");
}

std::string JsonStrings(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const std::string& v : values) quoted.push_back(JsonText(v));
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

std::string JsonList(const std::vector<std::string>& items) {
  return items.empty() ? "[]" : absl::StrCat("[\n", absl::StrJoin(items, ",\n"), "\n    ]");
}

}  // namespace

bool operator==(const Difference& a, const Difference& b) {
  return a.field == b.field && a.ours == b.ours && a.original == b.original;
}

const std::vector<std::string>& NotComparedFields() {
  static const auto* const kFields = new std::vector<std::string>{
      "name",                     // Presentation.
      "seed",                     // Runs repeat over seeds; the seed is not a method.
      "data.seed",                // Likewise for the data draw.
      "data.kaggle.directory",    // Where files lie.
      "data.manifest.path",       // Where files lie.
      "model.input_channels",     // Copied from data.channels.
      "model.input_height",       // Copied from data.height.
      "model.input_width",        // Copied from data.width.
      "training.loader_workers",  // Threads assembling batches: speed only.
      "training.overlay_images",  // TensorBoard images: logging only.
  };
  return *kFields;
}

std::vector<Difference> Differences(const study::Experiment& ours,
                                    const study::Experiment& original) {
  std::vector<Difference> out;
  Walk(ours, original, "", ours.loss().strategy(), &out);
  return out;
}

absl::StatusOr<Deviations> CompareWithOriginal(const std::vector<study::Result>& results,
                                               const std::vector<std::string>& labels,
                                               const Original& original) {
  Deviations d;
  std::vector<std::string> compared;  // Labels of rows with an original network.
  std::vector<std::vector<Difference>> lists;
  const std::vector<RowSpec> rows = RowSpecs(results, labels);
  for (const RowSpec& row : rows) {
    const study::Experiment& ours = row.trial->experiment();
    auto it = original.networks.find(ours.model().name());
    if (it == original.networks.end()) {
      d.networks.emplace_back(row.label, "");
      d.without_original.emplace_back(row.label, ours.model().name());
      continue;
    }
    d.networks.emplace_back(row.label, it->first);
    compared.push_back(row.label);
    lists.push_back(Differences(ours, it->second));
    if (lists.back().empty()) d.identical.push_back(row.label);
  }

  // Each distinct difference with the rows (indices into `compared`) that have it, in order of
  // first appearance; then one group per distinct set of rows.
  std::vector<std::pair<Difference, std::vector<size_t>>> found;
  for (size_t r = 0; r < lists.size(); ++r) {
    for (const Difference& difference : lists[r]) {
      auto it = std::find_if(found.begin(), found.end(),
                             [&](const auto& f) { return f.first == difference; });
      if (it == found.end()) {
        found.push_back({difference, {r}});
      } else {
        it->second.push_back(r);
      }
    }
  }
  std::vector<std::pair<std::vector<size_t>, std::vector<Difference>>> by_rows;
  for (const auto& [difference, where] : found) {
    auto it = std::find_if(by_rows.begin(), by_rows.end(),
                           [&](const auto& g) { return g.first == where; });
    if (it == by_rows.end()) {
      by_rows.push_back({where, {difference}});
    } else {
      it->second.push_back(difference);
    }
  }
  const size_t all = compared.size();
  std::stable_sort(by_rows.begin(), by_rows.end(), [all](const auto& a, const auto& b) {
    return std::make_tuple(a.first.size() != all, a.first.front(), b.first.size()) <
           std::make_tuple(b.first.size() != all, b.first.front(), a.first.size());
  });
  for (auto& [where, differences] : by_rows) {
    DifferenceGroup group;
    for (size_t r : where) group.rows.push_back(compared[r]);
    group.differences = std::move(differences);
    d.groups.push_back(std::move(group));
  }

  for (const OriginalFact& fact : original.facts.fact()) {
    FactLine line{fact.aspect(), fact.ours(), fact.original(), fact.source()};
    if (!fact.ours_oneof().empty()) {
      std::vector<std::string> values;
      for (const RowSpec& row : rows) {
        absl::StatusOr<std::string> member =
            OneofMember(row.trial->experiment(), fact.ours_oneof());
        if (!member.ok()) return member.status();
        if (std::find(values.begin(), values.end(), *member) == values.end()) {
          values.push_back(*member);
        }
      }
      line.ours = absl::StrCat(absl::StrJoin(values, ", "), " (", fact.ours_oneof(), ")");
    }
    d.facts.push_back(std::move(line));
  }
  return d;
}

Section DeviationsSection(const Deviations& d) {
  Section section;
  section.title = "Deviations from the original";
  section.json_key = "deviations";
  size_t all = 0;
  for (const auto& [label, network] : d.networks) all += network.empty() ? 0 : 1;

  std::string& md = section.markdown;
  md = absl::StrCat(
      "Each row's resolved spec compared field by field with the original study's configuration "
      "of the same network (`study/original/<model>.textproto`, which holds only what the "
      "original's paper or code states), generated from the specs. Not compared: fields the "
      "original does not state, another strategy's options, and bookkeeping (`",
      absl::StrJoin(NotComparedFields(), "`, `"), "`).\n");
  for (const DifferenceGroup& group : d.groups) {
    absl::StrAppend(&md, "\n### ", MarkdownText(Rows(group.rows, all)),
                    "\n\n| Field | Ours | Original |\n|:---|:---|:---|\n");
    for (const Difference& x : group.differences) {
      absl::StrAppend(&md, "| `", MarkdownText(x.field), "` | ", MarkdownText(x.ours), " | ",
                      MarkdownText(x.original), " |\n");
    }
  }
  if (!d.identical.empty()) {
    absl::StrAppend(&md, "\nNo difference: ", MarkdownText(absl::StrJoin(d.identical, ", ")),
                    ".\n");
  }
  if (!d.without_original.empty()) {
    std::vector<std::string> rows;
    for (const auto& [label, model] : d.without_original) {
      rows.push_back(absl::StrCat(label, " (model `", model, "`)"));
    }
    absl::StrAppend(&md, "\nNot compared, no original network: ",
                    MarkdownText(absl::StrJoin(rows, ", ")), ".\n");
  }
  absl::StrAppend(&md,
                  "\n### Beyond the specs\n\nWhat no spec field expresses "
                  "(`study/original/facts.textproto`).\n");
  if (d.facts.empty()) {
    absl::StrAppend(&md, "\nNone.\n");
  } else {
    absl::StrAppend(&md, "\n| Aspect | Ours | Original | Source |\n|:---|:---|:---|:---|\n");
    for (const FactLine& f : d.facts) {
      absl::StrAppend(&md, "| ", MarkdownText(f.aspect), " | ", MarkdownText(f.ours), " | ",
                      MarkdownText(f.original), " | ", MarkdownText(f.source), " |\n");
    }
  }

  std::vector<std::string> networks, groups, facts;
  for (const auto& [label, network] : d.networks) {
    networks.push_back(absl::StrCat("      {\"label\": ", JsonText(label), ", \"original\": ",
                                    network.empty() ? "null" : JsonText(network), "}"));
  }
  for (const DifferenceGroup& group : d.groups) {
    std::vector<std::string> differences;
    for (const Difference& x : group.differences) {
      differences.push_back(absl::StrCat("          {\"field\": ", JsonText(x.field),
                                         ", \"ours\": ", JsonText(x.ours),
                                         ", \"original\": ", JsonText(x.original), "}"));
    }
    groups.push_back(absl::StrCat("      {\n        \"rows\": ", JsonStrings(group.rows),
                                  ",\n        \"differences\": [\n",
                                  absl::StrJoin(differences, ",\n"), "\n        ]\n      }"));
  }
  for (const FactLine& f : d.facts) {
    facts.push_back(absl::StrCat(
        "      {\"aspect\": ", JsonText(f.aspect), ", \"ours\": ", JsonText(f.ours),
        ", \"original\": ", JsonText(f.original), ", \"source\": ", JsonText(f.source), "}"));
  }
  section.json =
      absl::StrCat("{\n    \"not_compared\": ", JsonStrings(NotComparedFields()),
                   ",\n    \"rows\": ", JsonList(networks), ",\n    \"groups\": ", JsonList(groups),
                   ",\n    \"beyond_specs\": ", JsonList(facts), "\n  }");
  return section;
}

}  // namespace nerve_mtl::reports
