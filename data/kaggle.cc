#include "data/kaggle.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "data/data_spec.pb.h"
#include "data/example.h"
#include "data/image_io.h"
#include "data/resize.h"

namespace nerve_mtl::data {
namespace {

namespace fs = std::filesystem;

// Orders subjects, then images, numerically; the text breaks ties such as "01" and "1".
struct SortKey {
  int64_t subject = 0;
  std::string subject_text;
  int64_t n = 0;
  std::string n_text;

  bool operator<(const SortKey& other) const {
    return std::tie(subject, subject_text, n, n_text) <
           std::tie(other.subject, other.subject_text, other.n, other.n_text);
  }
};

struct ParsedName {
  SortKey key;
  std::string image_stem;  // "<subject>_<n>", also for masks
  bool is_mask = false;
};

bool ParseNumber(const std::string& text, int64_t* value) {
  // At most 18 digits, so the value always fits.
  if (text.empty() || text.size() > 18) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return absl::SimpleAtoi(text, value);
}

// `stem` is the file name without ".tif".
bool ParseStem(const std::string& stem, ParsedName* parsed) {
  const std::vector<std::string> parts = absl::StrSplit(stem, '_');
  if (parts.size() != 2 && !(parts.size() == 3 && parts[2] == "mask")) return false;
  if (!ParseNumber(parts[0], &parsed->key.subject) || !ParseNumber(parts[1], &parsed->key.n)) {
    return false;
  }
  parsed->key.subject_text = parts[0];
  parsed->key.n_text = parts[1];
  parsed->image_stem = absl::StrCat(parts[0], "_", parts[1]);
  parsed->is_mask = parts.size() == 3;
  return true;
}

struct Pair {
  SortKey key;
  std::string stem;
  std::string image_path;
  std::string mask_path;
};

std::string SizeText(int width, int height) { return absl::StrCat(width, "x", height); }

absl::StatusOr<Example> LoadPair(const Pair& pair, int height, int width, ResizeMethod method) {
  absl::StatusOr<Image> image = ReadTiff(pair.image_path);
  if (!image.ok()) return image.status();
  if (image->channels != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(pair.image_path, ": ", image->channels, " pages (channels), expected 1"));
  }
  absl::StatusOr<Mask> mask = ReadMask(pair.mask_path);
  if (!mask.ok()) return mask.status();
  if (mask->height != image->height || mask->width != image->width) {
    return absl::InvalidArgumentError(
        absl::StrCat(pair.mask_path, ": mask is ", SizeText(mask->width, mask->height),
                     " but image is ", SizeText(image->width, image->height)));
  }
  Example example;
  example.id = pair.stem;
  example.patient = pair.key.subject_text;
  // From the original mask: a small nerve must not vanish in the resized one.
  example.label = mask->empty() ? 0 : 1;
  example.image = Resize(*image, height, width, method);
  example.mask = ResizeMask(*mask, height, width);
  return example;
}

}  // namespace

absl::StatusOr<Dataset> LoadKaggle(const KaggleSource& source, int height, int width, int channels,
                                   ResizeMethod method) {
  const std::string& directory = source.directory();
  if (directory.empty()) return absl::InvalidArgumentError("kaggle.directory is empty");
  if (channels != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(directory, ": channels is ", channels, ", but Kaggle images have 1 channel"));
  }
  if (height <= 0 || width <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(directory, ": height and width must be positive, got ", height, "x", width));
  }
  if (source.max_images() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(directory, ": max_images must be >= 0, got ", source.max_images()));
  }
  std::error_code ec;
  if (!fs::exists(directory, ec)) {
    return absl::NotFoundError(absl::StrCat(directory, ": no such directory"));
  }
  if (!fs::is_directory(directory, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(directory, ": not a directory"));
  }

  // Sorted names make the reported error, like everything else, independent of listing order.
  std::vector<std::string> names;
  fs::directory_iterator it(directory, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code entry_ec;
    if (!it->is_directory(entry_ec)) names.push_back(it->path().filename().string());
  }
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat(directory, ": cannot list the directory: ", ec.message()));
  }
  std::sort(names.begin(), names.end());

  std::map<std::string, Pair> pairs;  // by image stem
  for (const std::string& name : names) {
    const fs::path file(name);
    if (absl::AsciiStrToLower(file.extension().string()) != ".tif") continue;
    const std::string path = (fs::path(directory) / name).string();
    ParsedName parsed;
    if (!ParseStem(file.stem().string(), &parsed)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": not a Kaggle file name (<subject>_<n>.tif or <subject>_<n>_mask.tif)"));
    }
    Pair& pair = pairs[parsed.image_stem];
    pair.key = parsed.key;
    pair.stem = parsed.image_stem;
    std::string& slot = parsed.is_mask ? pair.mask_path : pair.image_path;
    // Only the extension's case can make two names collide ("1_2.tif", "1_2.TIF").
    if (!slot.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": same image as ", slot));
    }
    slot = path;
  }
  std::vector<Pair> sorted;
  sorted.reserve(pairs.size());
  for (auto& [stem, pair] : pairs) sorted.push_back(std::move(pair));
  std::sort(sorted.begin(), sorted.end(),
            [](const Pair& a, const Pair& b) { return a.key < b.key; });
  for (const Pair& pair : sorted) {
    if (pair.mask_path.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(pair.image_path, ": no mask file ", pair.stem, "_mask.tif"));
    }
    if (pair.image_path.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(pair.mask_path, ": no image file ", pair.stem, ".tif"));
    }
  }
  if (sorted.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        directory, ": no Kaggle images (<subject>_<n>.tif with <subject>_<n>_mask.tif)"));
  }
  if (source.max_images() > 0 && static_cast<size_t>(source.max_images()) < sorted.size()) {
    sorted.resize(static_cast<size_t>(source.max_images()));
  }

  Dataset dataset;
  dataset.class_names = {"absent", "present"};
  dataset.examples.reserve(sorted.size());
  for (const Pair& pair : sorted) {
    absl::StatusOr<Example> example = LoadPair(pair, height, width, method);
    if (!example.ok()) return example.status();
    dataset.examples.push_back(*std::move(example));
  }
  return dataset;
}

}  // namespace nerve_mtl::data
