#include "reports/check.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace nerve_mtl::reports {
namespace {

using ::google::protobuf::Value;

// report.json read with protobuf's JSON parser into google.protobuf.Value, which holds any JSON:
// the committed file is our own RenderJson output, possibly reformatted by a person, so any
// valid JSON is read (docs/DESIGN.md §7). The writer stays RenderJson, whose bytes are pinned.

// The value under `key` of an object; nullptr for a missing key or a value that is no object.
const Value* Get(const Value& value, const std::string& key) {
  if (value.kind_case() != Value::kStructValue) return nullptr;
  const auto& fields = value.struct_value().fields();
  const auto it = fields.find(key);
  return it == fields.end() ? nullptr : &it->second;
}

const Value* Get(const Value* value, const std::string& key) {
  return value == nullptr ? nullptr : Get(*value, key);
}

std::string Text(const Value& value, const std::string& key) {
  const Value* item = Get(value, key);
  return item != nullptr && item->kind_case() == Value::kStringValue ? item->string_value() : "";
}

// NaN for null, absent or non-numbers: a missing value never reads as 0.
double Number(const Value* value, const std::string& key) {
  const Value* item = Get(value, key);
  return item != nullptr && item->kind_case() == Value::kNumberValue ? item->number_value()
                                                                     : kMissing;
}

// The elements of a list; none for anything else.
const google::protobuf::RepeatedPtrField<Value>& Items(const Value* value) {
  static const auto* const kNone = new google::protobuf::RepeatedPtrField<Value>();
  return value != nullptr && value->kind_case() == Value::kListValue
             ? value->list_value().values()
             : *kNone;
}

bool Moved(double committed, double current, double tolerance) {
  const bool a = std::isfinite(committed), b = std::isfinite(current);
  if (!a && !b) return false;
  if (a != b) return true;
  return std::fabs(committed - current) > tolerance;
}

// The significance level whose side a p-value must keep across platforms.
constexpr double kAlpha = 0.05;

bool SignificanceFlipped(double committed, double current) {
  if (!std::isfinite(committed) || !std::isfinite(current)) return Moved(committed, current, 0);
  return (committed < kAlpha) != (current < kAlpha);
}

// A JSON list of strings, sorted as Context keeps them.
std::vector<std::string> Strings(const Value* list) {
  std::vector<std::string> out;
  for (const Value& item : Items(list)) {
    if (item.kind_case() == Value::kStringValue) out.push_back(item.string_value());
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<Value> ParseReport(const std::string& committed_json, const std::string& source) {
  Value committed;
  const auto parsed = google::protobuf::util::JsonStringToMessage(committed_json, &committed);
  if (!parsed.ok()) {
    // The parser's message may quote the text over several lines: one line, as every error.
    const std::string message(parsed.message().data(), parsed.message().size());
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": invalid JSON: ", message.substr(0, message.find('\n'))));
  }
  const Value* tables = Get(committed, "tables");
  if (tables == nullptr || tables->kind_case() != Value::kListValue) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": not a nerve-mtl report (no \"tables\" list)"));
  }
  return committed;
}

const Value* FindByKey(const Value* list, const std::string& key, const std::string& value) {
  for (const Value& item : Items(list)) {
    if (Text(item, key) == value) return &item;
  }
  return nullptr;
}

std::string Shortest(double value) {
  if (!std::isfinite(value)) return "none";
  char buffer[64];
  const std::to_chars_result end = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, end.ptr);
}

}  // namespace

absl::StatusOr<std::vector<Change>> CompareWithCommitted(const Report& current,
                                                         const std::string& committed_json,
                                                         const std::string& source,
                                                         double tolerance, double seed_spreads) {
  absl::StatusOr<Value> committed = ParseReport(committed_json, source);
  if (!committed.ok()) return committed.status();
  const Value* tables = Get(*committed, "tables");
  std::vector<Change> changes;
  // `spread`: the committed seed-to-seed standard deviation the change is measured against.
  auto add = [&](const std::string& table, const std::string& row, const std::string& metric,
                 double was, double now, double spread = 0) {
    const double allowed = std::isfinite(spread) ? tolerance + seed_spreads * spread : tolerance;
    if (Moved(was, now, allowed)) changes.push_back({table, row, metric, was, now});
  };
  std::set<std::string> current_tables;
  for (const Table& table : current.tables) {
    current_tables.insert(table.name);
    const Value* old_table = FindByKey(tables, "name", table.name);
    const Value* old_rows = Get(old_table, "rows");
    std::set<std::string> labels;
    for (const Row& row : table.rows) {
      labels.insert(row.label);
      const Value* old_row = FindByKey(old_rows, "label", row.label);
      if (old_row == nullptr) {
        changes.push_back({table.name, row.label, "row", kMissing, 1});
        continue;
      }
      const Value* old_metrics = Get(*old_row, "metrics");
      for (size_t c = 0; c < table.columns.size(); ++c) {
        const Column& column = table.columns[c];
        if (!column.checked) continue;
        const Cell& cell = row.cells[c];
        const Value* m = Get(old_metrics, column.key);
        const double spread = Number(m, "std");
        add(table.name, row.label, column.key + ".mean", Number(m, "mean"), cell.mean, spread);
        add(table.name, row.label, column.key + ".std", Number(m, "std"), cell.std, spread);
        add(table.name, row.label, column.key + ".n", Number(m, "n"), cell.n);
        if (column.shown == Shown::kTotal) {
          add(table.name, row.label, column.key + ".total", Number(m, "total"), cell.total,
              spread * Number(m, "n"));
        }
      }
      const double p_was = Number(old_row, "p_value");
      if (seed_spreads > 0 ? SignificanceFlipped(p_was, row.p_value)
                           : Moved(p_was, row.p_value, tolerance)) {
        changes.push_back({table.name, row.label, "p_value", p_was, row.p_value});
      }
    }
    for (const Value& old_row : Items(old_rows)) {
      if (labels.count(Text(old_row, "label")) == 0) {
        changes.push_back({table.name, Text(old_row, "label"), "row", 1, kMissing});
      }
    }
  }
  for (const Value& old_table : Items(tables)) {
    if (current_tables.count(Text(old_table, "name")) > 0) continue;
    for (const Value& old_row : Items(Get(old_table, "rows"))) {
      changes.push_back({Text(old_table, "name"), Text(old_row, "label"), "row", 1, kMissing});
    }
  }
  return changes;
}

absl::StatusOr<std::string> PlatformChange(const Report& current,
                                           const std::string& committed_json,
                                           const std::string& source) {
  absl::StatusOr<Value> committed = ParseReport(committed_json, source);
  if (!committed.ok()) return committed.status();
  const Value* context = Get(*committed, "context");
  std::vector<std::string> parts;
  auto compare = [&](const std::string& what, const std::vector<std::string>& was,
                     std::vector<std::string> now) {
    std::sort(now.begin(), now.end());
    if (was != now) {
      parts.push_back(absl::StrCat(what, " ", was.empty() ? "unknown" : absl::StrJoin(was, ", "),
                                   " -> ", now.empty() ? "unknown" : absl::StrJoin(now, ", ")));
    }
  };
  compare("LibTorch", Strings(Get(context, "libtorch_version")), current.context.libtorch_versions);
  compare("device", Strings(Get(context, "device")), current.context.devices);
  return absl::StrJoin(parts, "; ");
}

std::string FormatChange(const Change& change) {
  const std::string where = absl::StrCat(change.table, " | ", change.row, " | ");
  if (change.metric == "row") {
    return absl::StrCat(where, std::isfinite(change.committed)
                                   ? "row: in the committed report, not in the current tables"
                                   : "row: in the current tables, not in the committed report");
  }
  return absl::StrCat(where, change.metric, ": committed ", Shortest(change.committed), ", now ",
                      Shortest(change.current));
}

}  // namespace nerve_mtl::reports
