#include "common/textproto.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace nerve_mtl {
namespace {

// Keeps the first problem (later ones are usually consequences), with its position.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!message_.empty()) return;
    line_ = line;
    column_ = column;
    message_ = message;
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}

  int line_ = 0;
  int column_ = 0;
  std::string message_;
};

// The parser reports a bad field name or enum value at the token after it, sometimes on the next
// line. Point at the name itself: its last occurrence before the reported position.
void LocateName(std::string_view text, FirstError* error) {
  size_t begin = std::string::npos;
  for (std::string_view prefix : {"Unknown enumeration value of \"", "has no field named \""}) {
    const size_t start = error->message_.find(prefix);
    if (start != std::string::npos) begin = start + prefix.size();
  }
  if (begin == std::string::npos) return;
  const size_t end = error->message_.find('"', begin);
  if (end == std::string::npos) return;
  const std::string value = error->message_.substr(begin, end - begin);
  size_t offset = 0;
  for (int line = 0; line < error->line_ && offset != std::string::npos; ++line) {
    offset = text.find('\n', offset);
    if (offset != std::string::npos) ++offset;
  }
  if (offset == std::string::npos) offset = text.size();
  const size_t found = text.rfind(value, offset + error->column_);
  if (found == std::string::npos) return;
  const size_t line_start = text.rfind('\n', found);
  error->line_ = static_cast<int>(std::count(text.begin(), text.begin() + found, '\n'));
  error->column_ = static_cast<int>(line_start == std::string::npos ? found : found - line_start - 1);
}

}  // namespace

absl::Status ParseTextProto(std::string_view text, const std::string& source,
                            google::protobuf::Message* message) {
  message->Clear();
  FirstError error;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&error);
  if (!parser.ParseFromString(std::string(text), message)) {
    if (error.message_.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": not a valid ", message->GetDescriptor()->full_name()));
    }
    LocateName(text, &error);
    return absl::InvalidArgumentError(
        absl::StrCat(source, ":", error.line_ + 1, ":", error.column_ + 1, ": ", error.message_));
  }
  return absl::OkStatus();
}

absl::Status ReadTextProtoFile(const std::string& path, google::protobuf::Message* message) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open file"));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return ParseTextProto(text.str(), path, message);
}

}  // namespace nerve_mtl
