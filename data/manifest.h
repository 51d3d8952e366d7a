#ifndef NERVE_MTL_DATA_MANIFEST_H_
#define NERVE_MTL_DATA_MANIFEST_H_

// Private data sets listed in a manifest file (ManifestSource in data/data_spec.proto).

#include "absl/status/statusor.h"
#include "data/data_spec.pb.h"
#include "data/example.h"

namespace nerve_mtl::data {

// Loads the manifest at source.path(), chosen by its extension:
//   .csv: header exactly "patient,image,mask,class"; one entry per line; several channel files
//     in the image column joined by ';'; fields trimmed of surrounding spaces; no quoting; blank
//     lines ignored.
//   .textproto / .pbtxt: a nerve_mtl.data.Manifest (data/manifest.proto).
// Images are resized to height x width with `method`, masks with nearest neighbour. Examples
// keep the manifest's order; id = "<patient>/<stem of the first image file>" and must be unique.
// Class names in label order: source.class_names if given, else the manifest's class_names
// (textproto), else the sorted distinct classes of the entries; a class outside them is an error.
// Every error message is one line starting with the manifest path and, for an entry, its line
// ("m.csv:4: ...", "m.textproto:12: entry 3: ...", entries counted from 1).
absl::StatusOr<Dataset> LoadManifest(const ManifestSource& source, int height, int width,
                                     int channels, ResizeMethod method);

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_MANIFEST_H_
