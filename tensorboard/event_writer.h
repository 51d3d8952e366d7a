#ifndef NERVE_MTL_TENSORBOARD_EVENT_WRITER_H_
#define NERVE_MTL_TENSORBOARD_EVENT_WRITER_H_

// Writes TensorBoard event files (scalars, images, histograms) without TensorFlow: TFRecord
// framing around our copy of TensorFlow's Event proto (tensorboard/tensorboard.proto).

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "data/example.h"

namespace nerve_mtl::tensorboard {

class Event;

// One event file. Records are buffered; call Flush() at a point where TensorBoard should see
// everything so far (the trainer does so after each epoch). Every error names the file.
class EventWriter {
 public:
  // Creates `directory` (and its parents) and in it a new file
  // events.out.tfevents.<unix seconds>.<hostname>, with ".<n>" appended if a writer in the same
  // second already took that name. Writes the file_version record.
  static absl::StatusOr<std::unique_ptr<EventWriter>> Create(const std::string& directory);

  // Flushes and closes; an error here can only be dropped, so call Close() to see it.
  ~EventWriter();

  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  const std::string& path() const { return path_; }

  // Stored as a float, as TensorBoard's simple_value is.
  absl::Status AddScalar(std::string_view tag, int64_t step, double value);

  // A 1-channel (gray) or 3-channel (RGB) image, PNG-encoded.
  absl::Status AddImage(std::string_view tag, int64_t step, const data::Image& image);

  // Buckets as TensorFlow's default histogram (DefaultHistogramBucketLimits), with runs of empty
  // buckets merged as TensorFlow writes them. values must be finite and not empty.
  absl::Status AddHistogram(std::string_view tag, int64_t step, const std::vector<double>& values);

  // Any event; wall_time is set to now when it is 0.
  absl::Status WriteEvent(const tensorboard::Event& event);

  absl::Status Flush();

  // Flushes and closes the file; later calls fail.
  absl::Status Close();

 private:
  EventWriter(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}

  absl::Status WriteRecord(std::string_view data);
  absl::Status IoError(std::string_view operation) const;

  std::string path_;
  std::FILE* file_;
};

// TensorFlow's default histogram bucket limits (tensorflow/core/lib/histogram): -DBL_MAX, then
// -1e20 .. -1e-12 and 1e-12 .. 1e20 growing by a factor 1.1, 0 between them, DBL_MAX last.
// Relative resolution of 10% at every scale suits weights and gradients alike.
const std::vector<double>& DefaultHistogramBucketLimits();

// PNG file contents of a 1- or 3-channel image.
absl::StatusOr<std::string> EncodePng(const data::Image& image);

}  // namespace nerve_mtl::tensorboard

#endif  // NERVE_MTL_TENSORBOARD_EVENT_WRITER_H_
