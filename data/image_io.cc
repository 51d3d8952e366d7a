#include "data/image_io.h"

#include <algorithm>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/text.h"
#include "data/example.h"
#include "stb/stb_image.h"
#include "stb/stb_image_write.h"
#include "tiffio.h"

namespace nerve_mtl::data {
namespace {

namespace fs = std::filesystem;

// Images larger than this are taken as a corrupt header rather than allocated.
constexpr uint64_t kMaxPixels = uint64_t{1} << 30;

// libtiff reports through process-wide handlers that print to stderr. Ours keep the last error
// of the calling thread (libtiff calls them on the thread doing the I/O), so that concurrent
// reads each see their own message.
thread_local std::string tiff_last_error;

void CaptureTiffError(const char* module, const char* fmt, va_list ap) {
  char buffer[1024];
  std::vsnprintf(buffer, sizeof(buffer), fmt, ap);
  std::string message = module != nullptr ? absl::StrCat(module, ": ", buffer) : buffer;
  tiff_last_error = OneLine(message);
}

void IgnoreTiffWarning(const char*, const char*, va_list) {}

void InstallTiffHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    TIFFSetErrorHandler(&CaptureTiffError);
    TIFFSetWarningHandler(&IgnoreTiffWarning);
  });
  tiff_last_error.clear();
}

// libtiff often uses the file name as its module; the Status already starts with it.
std::string TiffError(const std::string& path) {
  if (tiff_last_error.empty()) return "unknown libtiff error";
  absl::string_view message = tiff_last_error;
  absl::ConsumePrefix(&message, absl::StrCat(path, ": "));
  return std::string(message);
}

struct TiffCloser {
  void operator()(TIFF* tiff) const { TIFFClose(tiff); }
};
using TiffPtr = std::unique_ptr<TIFF, TiffCloser>;

// NotFound for a missing file, so that callers can tell it from a corrupt one.
absl::Status CheckReadable(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  if (fs::is_directory(status)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory, expected an image"));
  }
  return absl::OkStatus();
}

absl::Status CheckWritable(const std::string& path, const Image& image) {
  if (image.channels <= 0 || image.height <= 0 || image.width <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot write an image of ",
                                                   image.channels, "x", image.height, "x",
                                                   image.width, " (channels x height x width)"));
  }
  const size_t expected = static_cast<size_t>(image.channels) * image.height * image.width;
  if (image.pixels.size() != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": image has ", image.pixels.size(), " pixels, expected ", expected));
  }
  std::error_code ec;
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    return absl::NotFoundError(
        absl::StrCat(path, ": directory ", parent.string(), " does not exist"));
  }
  return absl::OkStatus();
}

// "x.tif: " for the first page, "x.tif: page 3: " after it, so that single-page files read
// plainly.
std::string PagePrefix(const std::string& path, int page) {
  return page == 0 ? absl::StrCat(path, ": ") : absl::StrCat(path, ": page ", page + 1, ": ");
}

// Reads the current directory of `tiff` into `pixels` (height * width bytes).
absl::Status ReadTiffPage(TIFF* tiff, const std::string& path, const std::string& prefix,
                          uint32_t height, uint32_t width, std::vector<uint8_t>& pixels) {
  pixels.assign(static_cast<size_t>(height) * width, 0);
  if (TIFFIsTiled(tiff)) {
    uint32_t tile_width = 0;
    uint32_t tile_height = 0;
    if (!TIFFGetField(tiff, TIFFTAG_TILEWIDTH, &tile_width) ||
        !TIFFGetField(tiff, TIFFTAG_TILELENGTH, &tile_height) || tile_width == 0 ||
        tile_height == 0) {
      return absl::DataLossError(absl::StrCat(prefix, "tiled page without a tile size"));
    }
    const tmsize_t tile_size = TIFFTileSize(tiff);
    if (tile_size < static_cast<tmsize_t>(tile_width) * tile_height) {
      return absl::DataLossError(absl::StrCat(prefix, "bad tile size: ", TiffError(path)));
    }
    std::vector<uint8_t> tile(static_cast<size_t>(tile_size));
    for (uint32_t y0 = 0; y0 < height; y0 += tile_height) {
      for (uint32_t x0 = 0; x0 < width; x0 += tile_width) {
        if (TIFFReadTile(tiff, tile.data(), x0, y0, 0, 0) < 0) {
          return absl::DataLossError(absl::StrCat(prefix, "cannot read the tile at x=", x0,
                                                  " y=", y0, ": ", TiffError(path)));
        }
        for (uint32_t y = y0; y < std::min(height, y0 + tile_height); ++y) {
          for (uint32_t x = x0; x < std::min(width, x0 + tile_width); ++x) {
            pixels[static_cast<size_t>(y) * width + x] =
                tile[static_cast<size_t>(y - y0) * tile_width + (x - x0)];
          }
        }
      }
    }
    return absl::OkStatus();
  }
  const tmsize_t line_size = TIFFScanlineSize(tiff);
  if (line_size < static_cast<tmsize_t>(width)) {
    return absl::DataLossError(absl::StrCat(prefix, "bad scanline size: ", TiffError(path)));
  }
  std::vector<uint8_t> line(static_cast<size_t>(line_size));
  for (uint32_t y = 0; y < height; ++y) {
    if (TIFFReadScanline(tiff, line.data(), y, 0) < 0) {
      return absl::DataLossError(
          absl::StrCat(prefix, "cannot read row ", y, ": ", TiffError(path)));
    }
    std::copy(line.begin(), line.begin() + width,
              pixels.begin() + static_cast<ptrdiff_t>(y) * width);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Image> ReadTiff(const std::string& path) {
  if (absl::Status status = CheckReadable(path); !status.ok()) return status;
  InstallTiffHandlers();
  TiffPtr tiff(TIFFOpen(path.c_str(), "r"));
  if (tiff == nullptr) {
    return absl::DataLossError(absl::StrCat(path, ": not a readable TIFF: ", TiffError(path)));
  }
  Image image;
  std::vector<uint8_t> page_pixels;
  for (int page = 0;; ++page) {
    const std::string prefix = PagePrefix(path, page);
    uint32_t subfile_type = 0;
    TIFFGetFieldDefaulted(tiff.get(), TIFFTAG_SUBFILETYPE, &subfile_type);
    // Thumbnails some writers add are not channels.
    if ((subfile_type & FILETYPE_REDUCEDIMAGE) == 0) {
      uint32_t width = 0;
      uint32_t height = 0;
      if (!TIFFGetField(tiff.get(), TIFFTAG_IMAGEWIDTH, &width) ||
          !TIFFGetField(tiff.get(), TIFFTAG_IMAGELENGTH, &height) || width == 0 || height == 0) {
        return absl::DataLossError(absl::StrCat(prefix, "no image size"));
      }
      uint16_t bits_per_sample = 1;
      uint16_t samples_per_pixel = 1;
      uint16_t sample_format = SAMPLEFORMAT_UINT;
      uint16_t photometric = PHOTOMETRIC_MINISBLACK;
      TIFFGetFieldDefaulted(tiff.get(), TIFFTAG_BITSPERSAMPLE, &bits_per_sample);
      TIFFGetFieldDefaulted(tiff.get(), TIFFTAG_SAMPLESPERPIXEL, &samples_per_pixel);
      TIFFGetFieldDefaulted(tiff.get(), TIFFTAG_SAMPLEFORMAT, &sample_format);
      TIFFGetField(tiff.get(), TIFFTAG_PHOTOMETRIC, &photometric);
      if (samples_per_pixel != 1) {
        return absl::InvalidArgumentError(
            absl::StrCat(prefix, samples_per_pixel, " samples per pixel, expected 1 (grayscale)"));
      }
      if (bits_per_sample != 8) {
        return absl::InvalidArgumentError(
            absl::StrCat(prefix, bits_per_sample, " bits per sample, expected 8"));
      }
      if (sample_format != SAMPLEFORMAT_UINT) {
        return absl::InvalidArgumentError(absl::StrCat(prefix, "sample format ", sample_format,
                                                       ", expected 1 (unsigned integer)"));
      }
      if (photometric != PHOTOMETRIC_MINISBLACK && photometric != PHOTOMETRIC_MINISWHITE) {
        return absl::InvalidArgumentError(absl::StrCat(prefix, "photometric interpretation ",
                                                       photometric, ", expected grayscale"));
      }
      if (static_cast<uint64_t>(width) * height * (image.channels + 1) > kMaxPixels) {
        return absl::InvalidArgumentError(absl::StrCat(prefix, "too large (", width, "x", height,
                                                       ", ", image.channels + 1, " pages)"));
      }
      if (image.channels > 0 &&
          (static_cast<int>(width) != image.width || static_cast<int>(height) != image.height)) {
        return absl::InvalidArgumentError(absl::StrCat(prefix, "page is ", width, "x", height,
                                                       " but page 1 is ", image.width, "x",
                                                       image.height));
      }
      if (absl::Status status = ReadTiffPage(tiff.get(), path, prefix, height, width, page_pixels);
          !status.ok()) {
        return status;
      }
      if (photometric == PHOTOMETRIC_MINISWHITE) {
        for (uint8_t& p : page_pixels) p = static_cast<uint8_t>(255 - p);
      }
      image.height = static_cast<int>(height);
      image.width = static_cast<int>(width);
      ++image.channels;
      image.pixels.insert(image.pixels.end(), page_pixels.begin(), page_pixels.end());
    }
    tiff_last_error.clear();
    if (!TIFFReadDirectory(tiff.get())) {
      // 0 both at the last page and on a broken directory; only the latter reports an error.
      if (!tiff_last_error.empty()) {
        return absl::DataLossError(
            absl::StrCat(path, ": cannot read page ", page + 2, ": ", TiffError(path)));
      }
      break;
    }
  }
  if (image.channels == 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no full-resolution page"));
  }
  return image;
}

absl::Status WriteTiff(const std::string& path, const Image& image) {
  if (absl::Status status = CheckWritable(path, image); !status.ok()) return status;
  InstallTiffHandlers();
  return WriteAtomically(path, [&](const std::string& temporary) -> absl::Status {
    TiffPtr tiff(TIFFOpen(temporary.c_str(), "w"));
    if (tiff == nullptr) {
      return absl::InternalError(absl::StrCat(path, ": cannot create: ", TiffError(temporary)));
    }
    const size_t plane = static_cast<size_t>(image.height) * image.width;
    for (int c = 0; c < image.channels; ++c) {
      TIFF* t = tiff.get();
      TIFFSetField(t, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(image.width));
      TIFFSetField(t, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(image.height));
      TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
      TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
      TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
      TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
      TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
      TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(t, 0));
      if (image.channels > 1) {
        TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
        TIFFSetField(t, TIFFTAG_PAGENUMBER, c, image.channels);
      }
      std::vector<uint8_t> row(static_cast<size_t>(image.width));
      for (int y = 0; y < image.height; ++y) {
        const auto begin = image.pixels.begin() +
                           static_cast<ptrdiff_t>(c * plane + static_cast<size_t>(y) * image.width);
        std::copy(begin, begin + image.width, row.begin());
        if (TIFFWriteScanline(t, row.data(), static_cast<uint32_t>(y), 0) < 0) {
          return absl::InternalError(
              absl::StrCat(path, ": cannot write row ", y, ": ", TiffError(temporary)));
        }
      }
      if (!TIFFWriteDirectory(t)) {
        return absl::InternalError(
            absl::StrCat(path, ": cannot write page ", c + 1, ": ", TiffError(temporary)));
      }
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<Image> ReadPng(const std::string& path) {
  if (absl::Status status = CheckReadable(path); !status.ok()) return status;
  // stb_image sniffs the format, so check the signature to keep ReadPng to PNG files.
  {
    static constexpr char kSignature[8] = {'\x89', 'P', 'N', 'G', '\r', '\n', '\x1a', '\n'};
    char header[8] = {};
    std::ifstream in(path, std::ios::binary);
    if (!in.read(header, sizeof(header)) || !std::equal(header, header + 8, kSignature)) {
      return absl::DataLossError(absl::StrCat(path, ": not a PNG file"));
    }
  }
  if (stbi_is_16_bit(path.c_str())) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": 16 bits per sample, expected 8"));
  }
  int width = 0;
  int height = 0;
  int components = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> data(
      stbi_load(path.c_str(), &width, &height, &components, 0), &stbi_image_free);
  if (data == nullptr) {
    const char* reason = stbi_failure_reason();
    return absl::DataLossError(
        absl::StrCat(path, ": cannot decode PNG: ", reason != nullptr ? reason : "unknown error"));
  }
  if (components != 1 && components != 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": ", components, " components (with alpha), expected gray (1) or RGB (3)"));
  }
  Image image(components, height, width);
  const size_t plane = static_cast<size_t>(height) * width;
  for (size_t i = 0; i < plane; ++i) {
    for (int c = 0; c < components; ++c) {
      image.pixels[c * plane + i] = data.get()[i * components + c];
    }
  }
  return image;
}

absl::Status WritePng(const std::string& path, const Image& image) {
  if (absl::Status status = CheckWritable(path, image); !status.ok()) return status;
  if (image.channels != 1 && image.channels != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot write ", image.channels, " channels as PNG, expected 1 or 3"));
  }
  const size_t plane = static_cast<size_t>(image.height) * image.width;
  std::vector<uint8_t> interleaved(plane * image.channels);
  for (size_t i = 0; i < plane; ++i) {
    for (int c = 0; c < image.channels; ++c) {
      interleaved[i * image.channels + c] = image.pixels[c * plane + i];
    }
  }
  return WriteAtomically(path, [&](const std::string& temporary) {
    if (!stbi_write_png(temporary.c_str(), image.width, image.height, image.channels,
                        interleaved.data(), image.width * image.channels)) {
      return absl::InternalError(absl::StrCat(path, ": cannot write PNG"));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<Image> ReadImage(const std::string& path) {
  const std::string extension = absl::AsciiStrToLower(fs::path(path).extension().string());
  if (extension == ".tif" || extension == ".tiff") return ReadTiff(path);
  if (extension == ".png") return ReadPng(path);
  return absl::InvalidArgumentError(absl::StrCat(path, ": unknown image extension '", extension,
                                                 "', expected .tif, .tiff or .png"));
}

absl::StatusOr<Mask> ReadMask(const std::string& path) {
  absl::StatusOr<Image> image = ReadImage(path);
  if (!image.ok()) return image.status();
  if (image->channels != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": mask has ", image->channels, " channels, expected 1"));
  }
  Mask mask(image->height, image->width);
  for (size_t i = 0; i < mask.pixels.size(); ++i) mask.pixels[i] = image->pixels[i] != 0;
  return mask;
}

}  // namespace nerve_mtl::data
