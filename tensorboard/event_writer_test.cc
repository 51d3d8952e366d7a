#include "tensorboard/event_writer.h"

#include <unistd.h>

#include <cfloat>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "data/example.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tensorboard/event_reader.h"
#include "tensorboard/tensorboard.pb.h"
#include "stb/stb_image.h"

namespace nerve_mtl::tensorboard {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string FreshDirectory(const std::string& name) {
  const std::string directory = ::testing::TempDir() + "/" + name;
  std::filesystem::remove_all(directory);
  return directory;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Byte offsets of the records of an event file, found from their length fields.
std::vector<size_t> RecordOffsets(const std::string& bytes) {
  std::vector<size_t> offsets;
  for (size_t offset = 0; offset + 8 <= bytes.size();) {
    offsets.push_back(offset);
    uint64_t length = 0;
    for (int i = 7; i >= 0; --i) length = (length << 8) | static_cast<uint8_t>(bytes[offset + i]);
    offset += 12 + length + 4;
  }
  return offsets;
}

data::Image TestImage(int channels, int height, int width) {
  data::Image image(channels, height, width);
  for (size_t i = 0; i < image.pixels.size(); ++i) image.pixels[i] = static_cast<uint8_t>(i * 37);
  return image;
}

// A file with scalars, two images and a histogram: 7 records with the file_version.
std::string WriteExampleFile(const std::string& directory) {
  absl::StatusOr<std::unique_ptr<EventWriter>> writer = EventWriter::Create(directory);
  EXPECT_TRUE(writer.ok()) << writer.status();
  if (!writer.ok()) return "";
  EventWriter& w = **writer;
  EXPECT_TRUE(w.AddScalar("loss/train", 0, 0.5).ok());
  EXPECT_TRUE(w.AddScalar("loss/train", 1, 0.25).ok());
  EXPECT_TRUE(w.AddScalar("dice/val", 1, 0.75).ok());
  EXPECT_TRUE(w.AddImage("prediction/rgb", 1, TestImage(3, 5, 7)).ok());
  EXPECT_TRUE(w.AddImage("prediction/gray", 1, TestImage(1, 4, 3)).ok());
  EXPECT_TRUE(w.AddHistogram("weights", 2, {-1.5, -0.001, 0, 0, 0.3, 2.0, 2.05, 1e5}).ok());
  EXPECT_TRUE(w.Close().ok());
  return w.path();
}

TEST(EventWriterTest, RoundTrip) {
  const std::string directory = FreshDirectory("round_trip/run");
  const std::string path = WriteExampleFile(directory);
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  EXPECT_THAT(std::filesystem::path(path).filename().string(), StartsWith("events.out.tfevents."));
  EXPECT_THAT(path, HasSubstr(host));
  EXPECT_EQ(std::filesystem::path(path).parent_path(), std::filesystem::path(directory));

  const absl::StatusOr<std::vector<tensorboard::Event>> events = ReadEventFile(path);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 7u);

  const tensorboard::Event& version = (*events)[0];
  EXPECT_EQ(version.file_version(), "brain.Event:2");
  EXPECT_GT(version.wall_time(), 1.6e9);

  struct Scalar {
    const char* tag;
    int64_t step;
    float value;
  };
  const Scalar scalars[] = {
      {"loss/train", 0, 0.5f}, {"loss/train", 1, 0.25f}, {"dice/val", 1, 0.75f}};
  for (int i = 0; i < 3; ++i) {
    const tensorboard::Event& event = (*events)[1 + i];
    EXPECT_GE(event.wall_time(), version.wall_time());
    EXPECT_EQ(event.step(), scalars[i].step);
    ASSERT_EQ(event.summary().value_size(), 1);
    EXPECT_EQ(event.summary().value(0).tag(), scalars[i].tag);
    EXPECT_EQ(event.summary().value(0).simple_value(), scalars[i].value);
  }

  for (int channels : {3, 1}) {
    const tensorboard::Event& event = (*events)[channels == 3 ? 4 : 5];
    const data::Image expected = channels == 3 ? TestImage(3, 5, 7) : TestImage(1, 4, 3);
    ASSERT_EQ(event.summary().value_size(), 1);
    const tensorboard::Summary::Value& value = event.summary().value(0);
    EXPECT_EQ(value.tag(), channels == 3 ? "prediction/rgb" : "prediction/gray");
    ASSERT_TRUE(value.has_image());
    EXPECT_EQ(value.image().height(), expected.height);
    EXPECT_EQ(value.image().width(), expected.width);
    EXPECT_EQ(value.image().colorspace(), channels);
    const std::string& png = value.image().encoded_image_string();
    EXPECT_EQ(png.substr(1, 3), "PNG");
    int width = 0;
    int height = 0;
    int components = 0;
    stbi_uc* decoded =
        stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(png.data()),
                              static_cast<int>(png.size()), &width, &height, &components, 0);
    ASSERT_NE(decoded, nullptr) << stbi_failure_reason();
    EXPECT_EQ(width, expected.width);
    EXPECT_EQ(height, expected.height);
    EXPECT_EQ(components, channels);
    if (width == expected.width && height == expected.height && components == channels) {
      for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
          for (int c = 0; c < channels; ++c) {
            EXPECT_EQ(decoded[(y * width + x) * channels + c], expected.at(c, y, x))
                << "pixel (" << c << ", " << y << ", " << x << ")";
          }
        }
      }
    }
    stbi_image_free(decoded);
  }

  const tensorboard::Event& event = (*events)[6];
  EXPECT_EQ(event.step(), 2);
  ASSERT_EQ(event.summary().value_size(), 1);
  EXPECT_EQ(event.summary().value(0).tag(), "weights");
  const tensorboard::HistogramProto& histogram = event.summary().value(0).histo();
  const std::vector<double> values = {-1.5, -0.001, 0, 0, 0.3, 2.0, 2.05, 1e5};
  EXPECT_EQ(histogram.min(), -1.5);
  EXPECT_EQ(histogram.max(), 1e5);
  EXPECT_EQ(histogram.num(), 8);
  EXPECT_DOUBLE_EQ(histogram.sum(), -1.5 - 0.001 + 0.3 + 2.0 + 2.05 + 1e5);
  EXPECT_DOUBLE_EQ(histogram.sum_squares(), 1.5 * 1.5 + 1e-6 + 0.09 + 4.0 + 2.05 * 2.05 + 1e10);
  ASSERT_EQ(histogram.bucket_size(), histogram.bucket_limit_size());
  double total = 0;
  int nonempty = 0;
  for (int i = 0; i < histogram.bucket_size(); ++i) {
    if (i > 0) {
      EXPECT_LT(histogram.bucket_limit(i - 1), histogram.bucket_limit(i));
    }
    // bucket i holds [bucket_limit(i - 1), bucket_limit(i)).
    const double low = i == 0 ? -DBL_MAX : histogram.bucket_limit(i - 1);
    int inside = 0;
    for (double v : values) inside += v >= low && v < histogram.bucket_limit(i);
    EXPECT_EQ(histogram.bucket(i), inside) << "bucket " << i;
    total += histogram.bucket(i);
    nonempty += histogram.bucket(i) > 0;
  }
  EXPECT_EQ(total, 8);
  // 2.0 and 2.05 share a 10% bucket; the zeros share [0, 1e-12); empty runs merge, so the
  // buckets alternate empty / nonempty.
  EXPECT_EQ(nonempty, 6);
  EXPECT_EQ(histogram.bucket_size(), 2 * nonempty + 1);
  EXPECT_EQ(histogram.bucket_limit(histogram.bucket_size() - 1), DBL_MAX);
}

TEST(EventWriterTest, DefaultBucketLimits) {
  const std::vector<double>& limits = DefaultHistogramBucketLimits();
  // 774 limits from 1e-12 below 1e20 on each side, DBL_MAX at each end, and 0.
  ASSERT_EQ(limits.size(), 1551u);
  EXPECT_EQ(limits.front(), -DBL_MAX);
  EXPECT_EQ(limits.back(), DBL_MAX);
  EXPECT_EQ(limits[775], 0.0);
  EXPECT_EQ(limits[776], 1e-12);
  for (size_t i = 1; i < limits.size(); ++i) {
    EXPECT_LT(limits[i - 1], limits[i]);
    EXPECT_EQ(limits[i], -limits[limits.size() - 1 - i]);
  }
}

TEST(EventWriterTest, ReadableWhileOpenAfterFlush) {
  absl::StatusOr<std::unique_ptr<EventWriter>> writer = EventWriter::Create(FreshDirectory("live"));
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)->AddScalar("x", 3, 1.0).ok());
  ASSERT_TRUE((*writer)->Flush().ok());
  const absl::StatusOr<std::vector<tensorboard::Event>> events = ReadEventFile((*writer)->path());
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->size(), 2u);
}

TEST(EventWriterTest, TwoWritersGetTwoFiles) {
  const std::string directory = FreshDirectory("two");
  absl::StatusOr<std::unique_ptr<EventWriter>> first = EventWriter::Create(directory);
  absl::StatusOr<std::unique_ptr<EventWriter>> second = EventWriter::Create(directory);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE((*first)->path(), (*second)->path());
}

TEST(EventReaderTest, FlippedByteNamesTheRecord) {
  const std::string path = WriteExampleFile(FreshDirectory("flipped"));
  const std::string original = ReadBytes(path);
  const std::vector<size_t> offsets = RecordOffsets(original);
  ASSERT_EQ(offsets.size(), 7u);

  std::string bytes = original;
  bytes[offsets[3] + 12 + 5] ^= 0x01;  // Inside the data of record 3.
  WriteBytes(path, bytes);
  absl::StatusOr<std::vector<tensorboard::Event>> events = ReadEventFile(path);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(events.status().message(), HasSubstr(path));
  EXPECT_THAT(events.status().message(),
              HasSubstr("record 3 at byte offset " + std::to_string(offsets[3])));
  EXPECT_THAT(events.status().message(), HasSubstr("data CRC"));

  bytes = original;
  bytes[offsets[2] + 1] ^= 0x40;  // In the length of record 2.
  WriteBytes(path, bytes);
  events = ReadEventFile(path);
  ASSERT_FALSE(events.ok());
  EXPECT_THAT(events.status().message(), HasSubstr("record 2 at byte offset"));
  EXPECT_THAT(events.status().message(), HasSubstr("length CRC"));

  bytes = original;
  bytes[offsets[6] - 1] ^= 0x80;  // In the data CRC of record 5.
  WriteBytes(path, bytes);
  events = ReadEventFile(path);
  ASSERT_FALSE(events.ok());
  EXPECT_THAT(events.status().message(), HasSubstr("record 5 at"));
}

TEST(EventReaderTest, TruncatedFileFails) {
  const std::string path = WriteExampleFile(FreshDirectory("truncated"));
  const std::string original = ReadBytes(path);
  const std::vector<size_t> offsets = RecordOffsets(original);
  ASSERT_EQ(offsets.size(), 7u);

  WriteBytes(path, original.substr(0, original.size() - 2));
  absl::StatusOr<std::vector<tensorboard::Event>> events = ReadEventFile(path);
  ASSERT_FALSE(events.ok());
  EXPECT_THAT(events.status().message(), HasSubstr(path));
  EXPECT_THAT(events.status().message(), HasSubstr("record 6 at"));
  EXPECT_THAT(events.status().message(), HasSubstr("truncated record"));

  WriteBytes(path, original.substr(0, offsets[4] + 7));
  events = ReadEventFile(path);
  ASSERT_FALSE(events.ok());
  EXPECT_THAT(events.status().message(), HasSubstr("record 4 at"));
  EXPECT_THAT(events.status().message(), HasSubstr("truncated header"));

  // Cut exactly between records: a shorter, valid file.
  WriteBytes(path, original.substr(0, offsets[4]));
  events = ReadEventFile(path);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->size(), 4u);
}

TEST(EventWriterTest, Errors) {
  const std::string directory = FreshDirectory("errors");
  std::filesystem::create_directories(directory);
  WriteBytes(directory + "/file", "not a directory");
  absl::StatusOr<std::unique_ptr<EventWriter>> bad = EventWriter::Create(directory + "/file/run");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr(directory + "/file/run"));

  absl::StatusOr<std::unique_ptr<EventWriter>> writer = EventWriter::Create(directory);
  ASSERT_TRUE(writer.ok()) << writer.status();
  EventWriter& w = **writer;
  absl::Status status = w.AddImage("seven", 0, TestImage(7, 4, 4));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(w.path()));
  EXPECT_EQ(w.AddHistogram("empty", 0, {}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(w.AddHistogram("nan", 0, {1.0, std::nan("")}).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(w.Close().ok());
  EXPECT_EQ(w.AddScalar("late", 0, 1).code(), absl::StatusCode::kFailedPrecondition);

  EXPECT_EQ(ReadEventFile(directory + "/missing").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace nerve_mtl::tensorboard
