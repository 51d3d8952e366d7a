#include "reports/check.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reports/tables_json.h"

namespace nerve_mtl::reports {
namespace {

// Just enough JSON for report.json: the committed file is our own RenderJson output, possibly
// reformatted by a person, so any valid JSON is read.
struct Json {
  enum Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> items;        // Array elements, or object values.
  std::vector<std::string> keys;  // Object keys, parallel to items.

  const Json* Get(const std::string& key) const {
    if (type != kObject) return nullptr;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) return &items[i];
    }
    return nullptr;
  }

  std::string Text(const std::string& key) const {
    const Json* value = Get(key);
    return value != nullptr && value->type == kString ? value->string : "";
  }

  // NaN for null, absent or non-numbers: a missing value never reads as 0.
  double Number(const std::string& key) const {
    const Json* value = Get(key);
    return value != nullptr && value->type == kNumber ? value->number : kMissing;
  }
};

class JsonParser {
 public:
  JsonParser(const std::string& text, const std::string& source) : text_(text), source_(source) {}

  absl::StatusOr<Json> Parse() {
    Json value;
    if (absl::Status s = Value(&value, 0); !s.ok()) return s;
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text after the JSON value");
    return value;
  }

 private:
  static constexpr int kMaxDepth = 64;

  absl::Status Error(const std::string& what) const {
    int line = 1, column = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return absl::InvalidArgumentError(
        absl::StrCat(source_, ":", line, ":", column, ": invalid JSON: ", what));
  }

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }

  bool Consume(const std::string& word) {
    if (text_.compare(pos_, word.size(), word) != 0) return false;
    pos_ += word.size();
    return true;
  }

  absl::Status Value(Json* out, int depth) {
    if (depth > kMaxDepth) return Error("nested too deeply");
    SkipSpace();
    if (pos_ >= text_.size()) return Error("unexpected end");
    const char ch = text_[pos_];
    if (ch == '{') return Object(out, depth);
    if (ch == '[') return Array(out, depth);
    if (ch == '"') {
      out->type = Json::kString;
      return String(&out->string);
    }
    if (Consume("null")) {
      out->type = Json::kNull;
      return absl::OkStatus();
    }
    if (Consume("true")) {
      out->type = Json::kBool;
      out->boolean = true;
      return absl::OkStatus();
    }
    if (Consume("false")) {
      out->type = Json::kBool;
      return absl::OkStatus();
    }
    return Number(out);
  }

  absl::Status Number(Json* out) {
    const size_t start = pos_;
    while (pos_ < text_.size() &&
           std::string_view("+-0123456789.eE").find(text_[pos_]) != std::string_view::npos) {
      ++pos_;
    }
    if (pos_ == start) return Error("expected a value");
    const std::string token = text_.substr(start, pos_ - start);
    char* end = nullptr;
    out->type = Json::kNumber;
    out->number = std::strtod(token.c_str(), &end);
    if (end != token.c_str() + token.size()) {
      pos_ = start;
      return Error(absl::StrCat("bad number '", token, "'"));
    }
    return absl::OkStatus();
  }

  absl::Status String(std::string* out) {
    ++pos_;  // The opening quote.
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char ch = text_[pos_++];
      if (ch != '\\') {
        *out += ch;
        continue;
      }
      if (pos_ >= text_.size()) break;
      ch = text_[pos_++];
      switch (ch) {
        case 'n':
          *out += '\n';
          break;
        case 't':
          *out += '\t';
          break;
        case 'r':
          *out += '\r';
          break;
        case 'b':
          *out += '\b';
          break;
        case 'f':
          *out += '\f';
          break;
        case 'u': {
          if (absl::Status s = Unicode(out); !s.ok()) return s;
          break;
        }
        default:
          *out += ch;  // \" \\ \/
      }
    }
    if (pos_ >= text_.size()) return Error("unterminated string");
    ++pos_;
    return absl::OkStatus();
  }

  // \uXXXX (with a surrogate pair) as UTF-8.
  absl::Status Unicode(std::string* out) {
    auto hex4 = [this](uint32_t* code) {
      if (pos_ + 4 > text_.size()) return false;
      const auto [end, error] =
          std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, *code, 16);
      if (error != std::errc() || end != text_.data() + pos_ + 4) return false;
      pos_ += 4;
      return true;
    };
    uint32_t code = 0;
    if (!hex4(&code)) return Error("bad \\u escape");
    if (code >= 0xD800 && code < 0xDC00 && Consume("\\u")) {
      uint32_t low = 0;
      if (!hex4(&low) || low < 0xDC00 || low >= 0xE000) return Error("bad surrogate pair");
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    if (code < 0x80) {
      *out += static_cast<char>(code);
    } else if (code < 0x800) {
      *out += static_cast<char>(0xC0 | (code >> 6));
      *out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      *out += static_cast<char>(0xE0 | (code >> 12));
      *out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (code >> 18));
      *out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (code & 0x3F));
    }
    return absl::OkStatus();
  }

  absl::Status Array(Json* out, int depth) {
    out->type = Json::kArray;
    ++pos_;
    SkipSpace();
    if (Consume("]")) return absl::OkStatus();
    while (true) {
      out->items.emplace_back();
      if (absl::Status s = Value(&out->items.back(), depth + 1); !s.ok()) return s;
      SkipSpace();
      if (Consume("]")) return absl::OkStatus();
      if (!Consume(",")) return Error("expected ',' or ']'");
    }
  }

  absl::Status Object(Json* out, int depth) {
    out->type = Json::kObject;
    ++pos_;
    SkipSpace();
    if (Consume("}")) return absl::OkStatus();
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return Error("expected a key");
      out->keys.emplace_back();
      if (absl::Status s = String(&out->keys.back()); !s.ok()) return s;
      SkipSpace();
      if (!Consume(":")) return Error("expected ':'");
      out->items.emplace_back();
      if (absl::Status s = Value(&out->items.back(), depth + 1); !s.ok()) return s;
      SkipSpace();
      if (Consume("}")) return absl::OkStatus();
      if (!Consume(",")) return Error("expected ',' or '}'");
    }
  }

  const std::string& text_;
  const std::string& source_;
  size_t pos_ = 0;
};

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
std::vector<std::string> Strings(const Json* list) {
  std::vector<std::string> out;
  if (list == nullptr || list->type != Json::kArray) return out;
  for (const Json& item : list->items) {
    if (item.type == Json::kString) out.push_back(item.string);
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<Json> ParseReport(const std::string& committed_json, const std::string& source) {
  absl::StatusOr<Json> committed = JsonParser(committed_json, source).Parse();
  if (!committed.ok()) return committed.status();
  const Json* tables = committed->Get("tables");
  if (tables == nullptr || tables->type != Json::kArray) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": not a nerve-mtl report (no \"tables\" list)"));
  }
  return committed;
}

const Json* FindByKey(const Json* list, const std::string& key, const std::string& value) {
  if (list == nullptr || list->type != Json::kArray) return nullptr;
  for (const Json& item : list->items) {
    if (item.Text(key) == value) return &item;
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
  absl::StatusOr<Json> committed = ParseReport(committed_json, source);
  if (!committed.ok()) return committed.status();
  const Json* tables = committed->Get("tables");
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
    const Json* old_table = FindByKey(tables, "name", table.name);
    const Json* old_rows = old_table != nullptr ? old_table->Get("rows") : nullptr;
    std::set<std::string> labels;
    for (const Row& row : table.rows) {
      labels.insert(row.label);
      const Json* old_row = FindByKey(old_rows, "label", row.label);
      if (old_row == nullptr) {
        changes.push_back({table.name, row.label, "row", kMissing, 1});
        continue;
      }
      const Json* old_metrics = old_row->Get("metrics");
      for (size_t c = 0; c < table.columns.size(); ++c) {
        const Column& column = table.columns[c];
        if (!column.checked) continue;
        const Cell& cell = row.cells[c];
        static const Json kAbsent;
        const Json* m = old_metrics != nullptr ? old_metrics->Get(column.key) : nullptr;
        if (m == nullptr) m = &kAbsent;
        const double spread = m->Number("std");
        add(table.name, row.label, column.key + ".mean", m->Number("mean"), cell.mean, spread);
        add(table.name, row.label, column.key + ".std", m->Number("std"), cell.std, spread);
        add(table.name, row.label, column.key + ".n", m->Number("n"), cell.n);
        if (column.shown == Shown::kTotal) {
          add(table.name, row.label, column.key + ".total", m->Number("total"), cell.total,
              spread * m->Number("n"));
        }
      }
      const double p_was = old_row->Number("p_value");
      if (seed_spreads > 0 ? SignificanceFlipped(p_was, row.p_value)
                           : Moved(p_was, row.p_value, tolerance)) {
        changes.push_back({table.name, row.label, "p_value", p_was, row.p_value});
      }
    }
    if (old_rows == nullptr || old_rows->type != Json::kArray) continue;
    for (const Json& old_row : old_rows->items) {
      if (labels.count(old_row.Text("label")) == 0) {
        changes.push_back({table.name, old_row.Text("label"), "row", 1, kMissing});
      }
    }
  }
  for (const Json& old_table : tables->items) {
    if (current_tables.count(old_table.Text("name")) > 0) continue;
    const Json* old_rows = old_table.Get("rows");
    if (old_rows == nullptr || old_rows->type != Json::kArray) continue;
    for (const Json& old_row : old_rows->items) {
      changes.push_back({old_table.Text("name"), old_row.Text("label"), "row", 1, kMissing});
    }
  }
  return changes;
}

absl::StatusOr<std::string> PlatformChange(const Report& current,
                                           const std::string& committed_json,
                                           const std::string& source) {
  absl::StatusOr<Json> committed = ParseReport(committed_json, source);
  if (!committed.ok()) return committed.status();
  static const Json kNone;
  const Json* context = committed->Get("context");
  if (context == nullptr) context = &kNone;
  std::vector<std::string> parts;
  auto compare = [&](const std::string& what, const std::vector<std::string>& was,
                     std::vector<std::string> now) {
    std::sort(now.begin(), now.end());
    if (was != now) {
      parts.push_back(absl::StrCat(what, " ", was.empty() ? "unknown" : absl::StrJoin(was, ", "),
                                   " -> ", now.empty() ? "unknown" : absl::StrJoin(now, ", ")));
    }
  };
  compare("LibTorch", Strings(context->Get("libtorch_version")), current.context.libtorch_versions);
  compare("device", Strings(context->Get("device")), current.context.devices);
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
