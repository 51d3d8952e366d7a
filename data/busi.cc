#include "data/busi.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "data/data_spec.pb.h"
#include "data/example.h"
#include "data/image_io.h"
#include "data/resize.h"
#include "data/split.h"

namespace nerve_mtl::data {
namespace {

namespace fs = std::filesystem;

constexpr std::array<const char*, 3> kClasses = {"benign", "malignant", "normal"};
// "<stem>_mask.png" sorts before "<stem>_mask_<k>.png"; the value only orders the masks.
constexpr int64_t kFirstMask = -1;

// Files that operating systems and archivers leave behind; never part of the data.
bool IsIgnored(const std::string& name) {
  return name.empty() || name[0] == '.' || name == "Thumbs.db" || name == "desktop.ini" ||
         name == "__MACOSX";
}

struct Entry {
  std::string image_path;
  std::map<int64_t, std::string> mask_paths;  // by mask number, kFirstMask first
};

// Image read errors come as DataLoss or NotFound; for a data folder they are bad input, which
// the binaries report with exit status 2.
absl::Status AsBadInput(const absl::Status& status) {
  return absl::InvalidArgumentError(status.message());
}

// Sorted listing without ignored names. A listing failure names the directory.
absl::StatusOr<std::vector<fs::directory_entry>> List(const std::string& directory) {
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  fs::directory_iterator it(directory, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (!IsIgnored(it->path().filename().string())) entries.push_back(*it);
  }
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat(directory, ": cannot list the directory: ", ec.message()));
  }
  // Sorted so that the reported error, like everything else, is independent of listing order.
  std::sort(entries.begin(), entries.end(),
            [](const fs::directory_entry& a, const fs::directory_entry& b) {
              return a.path().filename().string() < b.path().filename().string();
            });
  return entries;
}

// Splits "<stem>_mask" / "<stem>_mask_<k>" (file name without .png) into stem and mask number.
bool ParseMaskName(const std::string& name, std::string* stem, int64_t* number) {
  if (absl::EndsWith(name, "_mask")) {
    *stem = name.substr(0, name.size() - 5);
    *number = kFirstMask;
    return !stem->empty();
  }
  const size_t at = name.rfind("_mask_");
  if (at == std::string::npos || at == 0) return false;
  const std::string digits = name.substr(at + 6);
  if (digits.empty() || digits.size() > 9) return false;
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  *stem = name.substr(0, at);
  return absl::SimpleAtoi(digits, number);
}

// Collects the image and masks of every stem in one class folder.
absl::Status Collect(const std::string& folder, std::map<std::string, Entry>* entries) {
  absl::StatusOr<std::vector<fs::directory_entry>> listing = List(folder);
  if (!listing.ok()) return listing.status();
  for (const fs::directory_entry& file : *listing) {
    const std::string path = file.path().string();
    std::error_code ec;
    if (file.is_directory(ec)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": unknown folder (a BUSI class folder holds only PNG files)"));
    }
    if (absl::AsciiStrToLower(file.path().extension().string()) != ".png") {
      return absl::InvalidArgumentError(
          absl::StrCat(path,
                       ": unknown file (BUSI files are <stem>.png, <stem>_mask.png and "
                       "<stem>_mask_<k>.png)"));
    }
    const std::string name = file.path().stem().string();
    std::string stem;
    int64_t number = 0;
    std::string* slot;
    if (ParseMaskName(name, &stem, &number)) {
      slot = &(*entries)[stem].mask_paths[number];
    } else {
      slot = &(*entries)[name].image_path;
    }
    // Two names for one slot: "a.png" and "a.PNG", or "a_mask_1.png" and "a_mask_01.png".
    if (!slot->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": same file as ", *slot));
    }
    *slot = path;
  }
  return absl::OkStatus();
}

absl::StatusOr<Example> LoadEntry(const std::string& folder, int label, const std::string& stem,
                                  const Entry& entry, int height, int width, ResizeMethod method) {
  absl::StatusOr<Image> image = ReadPng(entry.image_path);
  if (!image.ok()) return AsBadInput(image.status());
  Mask mask(image->height, image->width);
  for (const auto& [number, path] : entry.mask_paths) {
    absl::StatusOr<Image> part = ReadPng(path);
    if (!part.ok()) return AsBadInput(part.status());
    if (part->height != image->height || part->width != image->width) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": mask is ", part->width, "x",
                                                     part->height, " but image is ", image->width,
                                                     "x", image->height));
    }
    const size_t plane = mask.pixels.size();
    for (int c = 0; c < part->channels; ++c) {
      for (size_t i = 0; i < plane; ++i) {
        if (part->pixels[c * plane + i] != 0) mask.pixels[i] = 1;
      }
    }
  }
  Example example;
  example.id = absl::StrCat(folder, "/", stem);
  example.patient = example.id;
  example.label = label;
  example.image = Resize(ToGray(*image), height, width, method);
  example.mask = ResizeMask(mask, height, width);
  return example;
}

}  // namespace

uint8_t Bt601Luma(uint8_t r, uint8_t g, uint8_t b) {
  return static_cast<uint8_t>((299u * r + 587u * g + 114u * b + 500u) / 1000u);
}

Image ToGray(const Image& image) {
  if (image.channels != 3) return image;
  Image gray(1, image.height, image.width);
  const size_t plane = gray.pixels.size();
  for (size_t i = 0; i < plane; ++i) {
    gray.pixels[i] =
        Bt601Luma(image.pixels[i], image.pixels[plane + i], image.pixels[2 * plane + i]);
  }
  return gray;
}

absl::StatusOr<Dataset> LoadBusi(const BusiSource& source, int height, int width, int channels,
                                 ResizeMethod method) {
  const std::string& directory = source.directory();
  if (directory.empty()) return absl::InvalidArgumentError("busi.directory is empty");
  if (channels != 1) {
    return absl::InvalidArgumentError(absl::StrCat(directory, ": channels is ", channels,
                                                   ", but BUSI images are loaded with 1 channel"));
  }
  if (height <= 0 || width <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(directory, ": height and width must be positive, got ", height, "x", width));
  }
  std::error_code ec;
  if (!fs::exists(directory, ec)) {
    return absl::NotFoundError(absl::StrCat(directory, ": no such directory"));
  }
  if (!fs::is_directory(directory, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(directory, ": not a directory"));
  }
  absl::StatusOr<std::vector<fs::directory_entry>> top = List(directory);
  if (!top.ok()) return top.status();
  for (const fs::directory_entry& entry : *top) {
    const std::string name = entry.path().filename().string();
    const bool known = std::find(kClasses.begin(), kClasses.end(), name) != kClasses.end();
    if (!known || !entry.is_directory(ec)) {
      return absl::InvalidArgumentError(absl::StrCat(
          entry.path().string(), ": unknown ", entry.is_directory(ec) ? "folder" : "file",
          " (BUSI has the folders benign/, malignant/ and normal/)"));
    }
  }

  Dataset dataset;
  dataset.class_names.assign(kClasses.begin(), kClasses.end());
  std::vector<std::pair<int, std::vector<std::pair<std::string, Entry>>>> folders;
  for (int label = 0; label < static_cast<int>(kClasses.size()); ++label) {
    const std::string folder = (fs::path(directory) / kClasses[label]).string();
    if (!fs::is_directory(folder, ec)) {
      return absl::InvalidArgumentError(absl::StrCat(
          folder, ": no such folder (BUSI has the folders benign/, malignant/ and normal/)"));
    }
    std::map<std::string, Entry> entries;
    if (absl::Status s = Collect(folder, &entries); !s.ok()) return s;
    std::vector<std::pair<std::string, Entry>> sorted(entries.begin(), entries.end());
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return NaturalLess(a.first, b.first); });
    // Pairing problems before any decoding: they are the cheap, common mistakes.
    for (const auto& [stem, entry] : sorted) {
      if (entry.image_path.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(entry.mask_paths.begin()->second,
                                                       ": mask without its image ", stem, ".png"));
      }
      if (!entry.mask_paths.count(kFirstMask)) {
        return absl::InvalidArgumentError(
            absl::StrCat(entry.image_path, ": image without its mask ", stem, "_mask.png"));
      }
    }
    folders.emplace_back(label, std::move(sorted));
  }
  for (const auto& [label, entries] : folders) {
    for (const auto& [stem, entry] : entries) {
      absl::StatusOr<Example> example =
          LoadEntry(kClasses[label], label, stem, entry, height, width, method);
      if (!example.ok()) return example.status();
      dataset.examples.push_back(*std::move(example));
    }
  }
  if (dataset.examples.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(directory, ": no BUSI images (benign/, malignant/ and normal/ are empty)"));
  }
  return dataset;
}

}  // namespace nerve_mtl::data
