#ifndef NERVE_MTL_DATA_IMAGE_IO_H_
#define NERVE_MTL_DATA_IMAGE_IO_H_

// Reading and writing the 8-bit image files the loaders accept: TIFF (libtiff) and PNG
// (stb_image). Every error is one line that starts with the file path.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "data/example.h"

namespace nerve_mtl::data {

// 8-bit grayscale TIFF (1 sample per pixel, unsigned, stripped or tiled, any compression libtiff
// decodes). A multi-page TIFF gives one channel per page; all pages must have the same size.
// Reduced-resolution pages (thumbnails) are skipped. MINISWHITE pages are inverted so that 0 is
// always black. libtiff's messages never reach stderr: the first TIFF call installs process-wide
// libtiff handlers that keep the calling thread's last error for the Status.
absl::StatusOr<Image> ReadTiff(const std::string& path);

// Writes one uncompressed 8-bit grayscale page per channel, through a temporary file and a
// rename (WriteAtomically, common/files.h), so a failure leaves no partial file at `path`.
absl::Status WriteTiff(const std::string& path, const Image& image);

// 8-bit PNG: gray gives 1 channel, RGB (or palette) 3 channels. 16-bit PNGs and PNGs with an
// alpha channel are errors.
absl::StatusOr<Image> ReadPng(const std::string& path);

// Writes a 1-channel (gray) or 3-channel (RGB) image, through a temporary file and a rename
// (WriteAtomically, common/files.h).
absl::Status WritePng(const std::string& path, const Image& image);

// ReadTiff for .tif/.tiff, ReadPng for .png (extension case-insensitive); anything else is an
// error.
absl::StatusOr<Image> ReadImage(const std::string& path);

// A 1-channel 8-bit image (any format ReadImage reads) as a binary mask: nonzero -> 1.
absl::StatusOr<Mask> ReadMask(const std::string& path);

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_IMAGE_IO_H_
