#include "tensorboard/event_reader.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "tensorboard/crc32c.h"
#include "tensorboard/tensorboard.pb.h"

namespace nerve_mtl::tensorboard {
namespace {

constexpr size_t kHeaderBytes = 12;  // uint64 length + uint32 masked CRC of it.
constexpr size_t kFooterBytes = 4;   // uint32 masked CRC of the data.

uint64_t DecodeLittleEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = bytes.size(); i-- > 0;) {
    value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  }
  return value;
}

}  // namespace

absl::StatusOr<std::vector<tensorboard::Event>> ReadEventFile(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  const std::string contents((std::istreambuf_iterator<char>(stream)),
                             std::istreambuf_iterator<char>());
  if (stream.bad()) {
    return absl::DataLossError(absl::StrCat(path, ": cannot read: ", std::strerror(errno)));
  }
  const std::string_view file(contents);

  std::vector<tensorboard::Event> events;
  size_t offset = 0;
  for (int record = 0; offset < file.size(); ++record) {
    auto error = [&](const std::string& what) {
      return absl::DataLossError(
          absl::StrCat(path, ": record ", record, " at byte offset ", offset, ": ", what));
    };
    if (file.size() - offset < kHeaderBytes) {
      return error(absl::StrCat("truncated header (", file.size() - offset, " of ", kHeaderBytes,
                                " bytes)"));
    }
    const std::string_view length_bytes = file.substr(offset, 8);
    if (MaskCrc32c(Crc32c(length_bytes)) != DecodeLittleEndian(file.substr(offset + 8, 4))) {
      return error("length CRC mismatch");
    }
    // Checked by its CRC, but it may still run past the end of a truncated file.
    const uint64_t length = DecodeLittleEndian(length_bytes);
    const size_t available = file.size() - offset - kHeaderBytes;
    if (length > available || available - length < kFooterBytes) {
      return error(absl::StrCat("truncated record (", length, " data bytes + ", kFooterBytes,
                                " CRC bytes, ", available, " left)"));
    }
    const std::string_view data = file.substr(offset + kHeaderBytes, length);
    if (MaskCrc32c(Crc32c(data)) !=
        DecodeLittleEndian(file.substr(offset + kHeaderBytes + length, kFooterBytes))) {
      return error("data CRC mismatch");
    }
    tensorboard::Event& event = events.emplace_back();
    if (!event.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
      return error("not an Event proto");
    }
    offset += kHeaderBytes + length + kFooterBytes;
  }
  return events;
}

}  // namespace nerve_mtl::tensorboard
