#include "tensorboard/event_writer.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "data/example.h"
#include "tensorboard/crc32c.h"
#include "tensorboard/tensorboard.pb.h"
#include "stb/stb_image_write.h"

namespace nerve_mtl::tensorboard {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// Debian builds Abseil with its own string_view, which StrCat does not take std::string_view as.
absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

void AppendLittleEndian(uint64_t value, int bytes, std::string& out) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void AppendToString(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
}

tensorboard::Event SummaryEvent(int64_t step) {
  tensorboard::Event event;
  event.set_wall_time(Now());
  event.set_step(step);
  return event;
}

}  // namespace

const std::vector<double>& DefaultHistogramBucketLimits() {
  static const std::vector<double>* const limits = [] {
    std::vector<double> positive;
    for (double v = 1e-12; v < 1e20; v *= 1.1) positive.push_back(v);
    positive.push_back(DBL_MAX);
    auto* all = new std::vector<double>;
    for (auto it = positive.rbegin(); it != positive.rend(); ++it) all->push_back(-*it);
    all->push_back(0.0);
    all->insert(all->end(), positive.begin(), positive.end());
    return all;
  }();
  return *limits;
}

absl::StatusOr<std::string> EncodePng(const data::Image& image) {
  if (image.channels != 1 && image.channels != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("PNG needs 1 or 3 channels; the image has ", image.channels));
  }
  if (image.height <= 0 || image.width <= 0 ||
      image.pixels.size() != static_cast<size_t>(image.channels) * image.height * image.width) {
    return absl::InvalidArgumentError(absl::StrCat("image of ", image.pixels.size(),
                                                   " bytes is not ", image.channels, "x",
                                                   image.height, "x", image.width));
  }
  // Image is channels first; PNG rows interleave the channels.
  std::vector<uint8_t> interleaved(image.pixels.size());
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      for (int c = 0; c < image.channels; ++c) {
        interleaved[(static_cast<size_t>(y) * image.width + x) * image.channels + c] =
            image.at(c, y, x);
      }
    }
  }
  std::string png;
  if (!stbi_write_png_to_func(&AppendToString, &png, image.width, image.height, image.channels,
                              interleaved.data(), image.width * image.channels)) {
    return absl::InternalError("stb_image_write could not encode the PNG");
  }
  return png;
}

absl::StatusOr<std::unique_ptr<EventWriter>> EventWriter::Create(const std::string& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat(directory, ": cannot create directory: ", error.message()));
  }
  const std::string stem = absl::StrCat(directory, "/events.out.tfevents.",
                                        static_cast<int64_t>(Now()), ".", HostName());
  std::string path = stem;
  std::FILE* file = nullptr;
  for (int attempt = 1;; ++attempt) {
    // "x": never truncate an event file another writer has just created.
    file = std::fopen(path.c_str(), "wbx");
    if (file != nullptr || errno != EEXIST || attempt > 1000) break;
    path = absl::StrCat(stem, ".", attempt);
  }
  if (file == nullptr) {
    return absl::UnavailableError(absl::StrCat(path, ": cannot create: ", std::strerror(errno)));
  }
  std::unique_ptr<EventWriter> writer(new EventWriter(std::move(path), file));
  tensorboard::Event event;
  event.set_wall_time(Now());
  event.set_file_version("brain.Event:2");
  if (absl::Status status = writer->WriteEvent(event); !status.ok()) return status;
  // TensorBoard sees the run as soon as it exists.
  if (absl::Status status = writer->Flush(); !status.ok()) return status;
  return writer;
}

EventWriter::~EventWriter() { Close().IgnoreError(); }

absl::Status EventWriter::AddScalar(std::string_view tag, int64_t step, double value) {
  tensorboard::Event event = SummaryEvent(step);
  tensorboard::Summary::Value* summary = event.mutable_summary()->add_value();
  summary->set_tag(std::string(tag));
  summary->set_simple_value(static_cast<float>(value));
  return WriteEvent(event);
}

absl::Status EventWriter::AddImage(std::string_view tag, int64_t step, const data::Image& image) {
  absl::StatusOr<std::string> png = EncodePng(image);
  if (!png.ok()) {
    return absl::Status(png.status().code(), absl::StrCat(path_, ": image '", AsAbsl(tag),
                                                          "': ", png.status().message()));
  }
  tensorboard::Event event = SummaryEvent(step);
  tensorboard::Summary::Value* summary = event.mutable_summary()->add_value();
  summary->set_tag(std::string(tag));
  tensorboard::Summary::Image* encoded = summary->mutable_image();
  encoded->set_height(image.height);
  encoded->set_width(image.width);
  encoded->set_colorspace(image.channels);  // 1 grayscale, 3 RGB.
  encoded->set_encoded_image_string(*std::move(png));
  return WriteEvent(event);
}

absl::Status EventWriter::AddHistogram(std::string_view tag, int64_t step,
                                       const std::vector<double>& values) {
  if (values.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path_, ": histogram '", AsAbsl(tag), "' has no values"));
  }
  const std::vector<double>& limits = DefaultHistogramBucketLimits();
  std::vector<double> counts(limits.size(), 0.0);
  tensorboard::HistogramProto histogram;
  double min = values[0];
  double max = values[0];
  double sum = 0;
  double sum_squares = 0;
  for (double v : values) {
    if (!std::isfinite(v)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path_, ": histogram '", AsAbsl(tag), "' has a non-finite value ", v));
    }
    min = std::min(min, v);
    max = std::max(max, v);
    sum += v;
    sum_squares += v * v;
    // As TensorFlow: bucket b holds [limits[b - 1], limits[b]); DBL_MAX itself joins the last.
    const size_t b = std::upper_bound(limits.begin(), limits.end(), v) - limits.begin();
    counts[std::min(b, limits.size() - 1)] += 1;
  }
  histogram.set_min(min);
  histogram.set_max(max);
  histogram.set_num(values.size());
  histogram.set_sum(sum);
  histogram.set_sum_squares(sum_squares);
  // TensorFlow's EncodeToProto(preserve_zero_buckets=false): a run of empty buckets becomes one
  // empty bucket ending at the run's last limit, which keeps ~1550 limits down to a few dozen.
  for (size_t i = 0; i < counts.size();) {
    double end = limits[i];
    const double count = counts[i];
    ++i;
    if (count == 0) {
      while (i < counts.size() && counts[i] == 0) end = limits[i++];
    }
    histogram.add_bucket_limit(end);
    histogram.add_bucket(count);
  }

  tensorboard::Event event = SummaryEvent(step);
  tensorboard::Summary::Value* summary = event.mutable_summary()->add_value();
  summary->set_tag(std::string(tag));
  *summary->mutable_histo() = std::move(histogram);
  return WriteEvent(event);
}

absl::Status EventWriter::WriteEvent(const tensorboard::Event& event) {
  if (event.wall_time() != 0) return WriteRecord(event.SerializeAsString());
  tensorboard::Event stamped = event;
  stamped.set_wall_time(Now());
  return WriteRecord(stamped.SerializeAsString());
}

absl::Status EventWriter::WriteRecord(std::string_view data) {
  if (file_ == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(path_, ": write after Close()"));
  }
  // uint64 length, uint32 masked CRC of the length bytes, data, uint32 masked CRC of the data;
  // all little-endian.
  std::string header;
  AppendLittleEndian(data.size(), 8, header);
  AppendLittleEndian(MaskCrc32c(Crc32c(header)), 4, header);
  std::string footer;
  AppendLittleEndian(MaskCrc32c(Crc32c(data)), 4, footer);
  if (std::fwrite(header.data(), 1, header.size(), file_) != header.size() ||
      std::fwrite(data.data(), 1, data.size(), file_) != data.size() ||
      std::fwrite(footer.data(), 1, footer.size(), file_) != footer.size()) {
    return IoError("write");
  }
  return absl::OkStatus();
}

absl::Status EventWriter::Flush() {
  if (file_ == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(path_, ": flush after Close()"));
  }
  if (std::fflush(file_) != 0) return IoError("flush");
  return absl::OkStatus();
}

absl::Status EventWriter::Close() {
  if (file_ == nullptr) return absl::OkStatus();
  absl::Status status = Flush();
  if (std::fclose(file_) != 0 && status.ok()) status = IoError("close");
  file_ = nullptr;
  return status;
}

absl::Status EventWriter::IoError(std::string_view operation) const {
  return absl::UnavailableError(
      absl::StrCat(path_, ": cannot ", AsAbsl(operation), ": ", std::strerror(errno)));
}

}  // namespace nerve_mtl::tensorboard
