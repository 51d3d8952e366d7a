#include "data/manifest.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "data/data_spec.pb.h"
#include "data/example.h"
#include "data/image_io.h"
#include "data/manifest.pb.h"
#include "data/resize.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace nerve_mtl::data {
namespace {

namespace fs = std::filesystem;

constexpr absl::string_view kCsvHeader = "patient,image,mask,class";

// One manifest entry, whichever the format, with where it came from for error messages.
struct Entry {
  std::string where;  // "m.csv:4" or "m.textproto:12: entry 3"
  std::string patient;
  std::vector<std::string> images;
  std::string mask;
  std::string class_name;
};

struct ParsedManifest {
  std::vector<std::string> class_names;  // Only textproto manifests can list them.
  std::vector<Entry> entries;
};

absl::Status Prefixed(const std::string& where, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(where, ": ", status.message()));
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  if (fs::is_directory(path, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory, expected a manifest"));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return absl::UnavailableError(absl::StrCat(path, ": cannot read"));
  }
  return text.str();
}

absl::Status CheckEntry(const Entry& entry) {
  if (entry.patient.empty()) return absl::InvalidArgumentError(entry.where + ": no patient");
  if (entry.images.empty()) return absl::InvalidArgumentError(entry.where + ": no image");
  for (const std::string& image : entry.images) {
    if (image.empty()) return absl::InvalidArgumentError(entry.where + ": empty image path");
  }
  if (entry.mask.empty()) {
    return absl::InvalidArgumentError(entry.where + ": no mask (masks are required)");
  }
  if (entry.class_name.empty()) return absl::InvalidArgumentError(entry.where + ": no class");
  return absl::OkStatus();
}

absl::StatusOr<ParsedManifest> ParseCsv(const std::string& path, absl::string_view text) {
  // Spreadsheet programs may start the file with a UTF-8 byte order mark.
  absl::ConsumePrefix(&text, "\xEF\xBB\xBF");
  ParsedManifest manifest;
  bool header_seen = false;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);  // also a '\r' of CRLF files
    if (line.empty()) continue;
    std::vector<std::string> fields = absl::StrSplit(line, ',');
    for (std::string& field : fields) absl::StripAsciiWhitespace(&field);
    const std::string where = absl::StrCat(path, ":", line_number);
    if (!header_seen) {
      if (absl::StrJoin(fields, ",") != kCsvHeader) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": header must be exactly '", kCsvHeader, "', got '", line, "'"));
      }
      header_seen = true;
      continue;
    }
    if (fields.size() != 4) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": ", fields.size(), " fields, expected 4 (", kCsvHeader, ")"));
    }
    Entry entry;
    entry.where = where;
    entry.patient = fields[0];
    entry.images = absl::StrSplit(fields[1], ';');
    for (std::string& image : entry.images) absl::StripAsciiWhitespace(&image);
    if (fields[1].empty()) entry.images.clear();
    entry.mask = fields[2];
    entry.class_name = fields[3];
    if (absl::Status status = CheckEntry(entry); !status.ok()) return status;
    manifest.entries.push_back(std::move(entry));
  }
  return manifest;
}

// Keeps the parser's first error with its position, instead of protobuf logging it.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  explicit FirstErrorCollector(std::string path) : path_(std::move(path)) {}

  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!error_.empty()) return;
    // The parser counts from 0; editors count from 1.
    error_ = line >= 0 ? absl::StrCat(path_, ":", line + 1, ":", column + 1, ": ", message)
                       : absl::StrCat(path_, ": ", message);
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}

  const std::string& error() const { return error_; }

 private:
  std::string path_;
  std::string error_;
};

absl::StatusOr<ParsedManifest> ParseTextProto(const std::string& path, const std::string& text) {
  Manifest proto;
  FirstErrorCollector errors(path);
  google::protobuf::TextFormat::ParseInfoTree locations;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&locations);
  if (!parser.ParseFromString(text, &proto)) {
    return absl::InvalidArgumentError(errors.error().empty()
                                          ? absl::StrCat(path, ": cannot parse the manifest")
                                          : errors.error());
  }
  const google::protobuf::FieldDescriptor* entry_field =
      Manifest::descriptor()->FindFieldByName("entry");
  ParsedManifest manifest;
  manifest.class_names.assign(proto.class_names().begin(), proto.class_names().end());
  for (int i = 0; i < proto.entry_size(); ++i) {
    const ManifestEntry& source = proto.entry(i);
    const google::protobuf::TextFormat::ParseLocation location =
        locations.GetLocation(entry_field, i);
    Entry entry;
    entry.where = location.line >= 0 ? absl::StrCat(path, ":", location.line + 1, ": entry ", i + 1)
                                     : absl::StrCat(path, ": entry ", i + 1);
    entry.patient = source.patient();
    entry.images.assign(source.image().begin(), source.image().end());
    entry.mask = source.mask();
    entry.class_name = source.class_name();
    if (absl::Status status = CheckEntry(entry); !status.ok()) return status;
    manifest.entries.push_back(std::move(entry));
  }
  return manifest;
}

absl::StatusOr<std::vector<std::string>> ClassNames(const std::string& path,
                                                    const ManifestSource& source,
                                                    const ParsedManifest& manifest) {
  std::vector<std::string> names;
  std::string origin;
  if (!source.class_names().empty()) {
    names.assign(source.class_names().begin(), source.class_names().end());
    origin = "manifest source class_names";
  } else if (!manifest.class_names.empty()) {
    names = manifest.class_names;
    origin = "class_names";
  } else {
    std::set<std::string> distinct;
    for (const Entry& entry : manifest.entries) distinct.insert(entry.class_name);
    return std::vector<std::string>(distinct.begin(), distinct.end());
  }
  std::set<std::string> seen;
  for (const std::string& name : names) {
    if (name.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", origin, " has an empty name"));
    }
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", origin, " lists '", name, "' twice"));
    }
  }
  return names;
}

std::string SizeText(int width, int height) { return absl::StrCat(width, "x", height); }

std::string ExampleId(const Entry& entry) {
  return absl::StrCat(entry.patient, "/", fs::path(entry.images[0]).stem().string());
}

// Paths in a manifest are relative to its directory.
std::string Resolve(const fs::path& directory, const std::string& file) {
  const fs::path path(file);
  return path.is_absolute() ? path.string() : (directory / path).string();
}

absl::StatusOr<Example> LoadEntry(const Entry& entry, const fs::path& directory, int label,
                                  int height, int width, int channels, ResizeMethod method) {
  Image image;
  std::vector<std::string> counts;
  for (const std::string& file : entry.images) {
    const std::string path = Resolve(directory, file);
    absl::StatusOr<Image> part = ReadImage(path);
    if (!part.ok()) return Prefixed(entry.where, part.status());
    if (image.channels > 0 && (part->height != image.height || part->width != image.width)) {
      return absl::InvalidArgumentError(absl::StrCat(
          entry.where, ": ", path, " is ", SizeText(part->width, part->height), " but ",
          Resolve(directory, entry.images[0]), " is ", SizeText(image.width, image.height)));
    }
    image.channels += part->channels;
    image.height = part->height;
    image.width = part->width;
    image.pixels.insert(image.pixels.end(), part->pixels.begin(), part->pixels.end());
    counts.push_back(absl::StrCat(file, ": ", part->channels));
  }
  if (image.channels != channels) {
    return absl::InvalidArgumentError(absl::StrCat(entry.where, ": image has ", image.channels,
                                                   " channels (", absl::StrJoin(counts, ", "),
                                                   ") but channels is ", channels));
  }
  const std::string mask_path = Resolve(directory, entry.mask);
  absl::StatusOr<Mask> mask = ReadMask(mask_path);
  if (!mask.ok()) return Prefixed(entry.where, mask.status());
  if (mask->height != image.height || mask->width != image.width) {
    return absl::InvalidArgumentError(
        absl::StrCat(entry.where, ": mask ", mask_path, " is ", SizeText(mask->width, mask->height),
                     " but image is ", SizeText(image.width, image.height)));
  }
  Example example;
  example.id = ExampleId(entry);
  example.patient = entry.patient;
  example.label = label;
  example.image = Resize(image, height, width, method);
  example.mask = ResizeMask(*mask, height, width);
  return example;
}

}  // namespace

absl::StatusOr<Dataset> LoadManifest(const ManifestSource& source, int height, int width,
                                     int channels, ResizeMethod method) {
  const std::string& path = source.path();
  if (path.empty()) return absl::InvalidArgumentError("manifest.path is empty");
  if (height <= 0 || width <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": height and width must be positive, got ", height, "x", width));
  }
  if (channels <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": channels must be positive, got ", channels));
  }
  const std::string extension = absl::AsciiStrToLower(fs::path(path).extension().string());
  if (extension != ".csv" && extension != ".textproto" && extension != ".pbtxt") {
    return absl::InvalidArgumentError(absl::StrCat(path, ": unknown manifest format '", extension,
                                                   "', expected .csv, .textproto or .pbtxt"));
  }
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<ParsedManifest> manifest =
      extension == ".csv" ? ParseCsv(path, *text) : ParseTextProto(path, *text);
  if (!manifest.ok()) return manifest.status();
  if (manifest->entries.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no entries"));
  }
  absl::StatusOr<std::vector<std::string>> class_names = ClassNames(path, source, *manifest);
  if (!class_names.ok()) return class_names.status();
  std::map<std::string, int> labels;
  for (size_t i = 0; i < class_names->size(); ++i) {
    labels[(*class_names)[i]] = static_cast<int>(i);
  }

  // Cheap checks of every entry before reading any image.
  std::map<std::string, std::string> id_where;
  for (const Entry& entry : manifest->entries) {
    if (labels.count(entry.class_name) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(entry.where, ": unknown class '", entry.class_name,
                       "' (known: ", absl::StrJoin(*class_names, ", "), ")"));
    }
    const auto [it, inserted] = id_where.emplace(ExampleId(entry), entry.where);
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(entry.where, ": duplicate id '", it->first, "' (also at ", it->second, ")"));
    }
  }

  const fs::path directory = fs::path(path).parent_path();
  Dataset dataset;
  dataset.class_names = *std::move(class_names);
  dataset.examples.reserve(manifest->entries.size());
  for (const Entry& entry : manifest->entries) {
    absl::StatusOr<Example> example =
        LoadEntry(entry, directory, labels[entry.class_name], height, width, channels, method);
    if (!example.ok()) return example.status();
    dataset.examples.push_back(*std::move(example));
  }
  return dataset;
}

}  // namespace nerve_mtl::data
