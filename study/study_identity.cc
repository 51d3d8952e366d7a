#include "study/study_identity.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/proto_util.h"
#include "common/textproto.h"
#include "google/protobuf/text_format.h"
#include "trial/layout.h"

namespace nerve_mtl::study {

namespace fs = std::filesystem;

std::string StudyHash(const Study& study) { return StableHash(study); }

ShardRecord MakeShardRecord(const Study& study, const std::vector<Trial>& trials, int index,
                            int count, const std::string& task) {
  ShardRecord record;
  record.set_study_name(study.name());
  record.set_study_hash(StudyHash(study));
  record.set_shard_index(index);
  record.set_shard_count(count);
  record.set_task(task);
  record.set_state(ShardRecord::RUNNING);
  for (const Trial& t : trials) {
    ShardRecord::TrialEntry* entry = record.add_trial();
    entry->set_id(t.id);
    entry->set_label(t.label);
    entry->set_seed(t.seed);
  }
  return record;
}

absl::Status WriteShardRecord(const std::string& results, const ShardRecord& record) {
  const std::string path =
      trial::ShardFile(results, record.shard_index(), record.shard_count()).string();
  std::error_code error;
  fs::create_directories(fs::path(path).parent_path(), error);
  if (error) {
    return absl::InternalError(absl::StrCat(fs::path(path).parent_path().string(), ": ",
                                            error.message()));
  }
  std::string text;
  google::protobuf::TextFormat::PrintToString(record, &text);
  return WriteFileAtomically(
      path, absl::StrCat("# proto-file: study/shard_record.proto\n"
                         "# proto-message: nerve_mtl.study.ShardRecord\n",
                         text));
}

absl::StatusOr<std::vector<std::pair<std::string, ShardRecord>>> ReadShardRecords(
    const std::string& dir) {
  std::vector<std::pair<std::string, ShardRecord>> records;
  const fs::path shards = trial::ShardsDir(dir);
  if (!fs::is_directory(shards)) return records;
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(shards)) {
    if (entry.path().extension() == ".textproto") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  for (const std::string& path : paths) {
    ShardRecord record;
    if (absl::Status s = ReadTextProtoFile(path, &record); !s.ok()) {
      return absl::InvalidArgumentError(s.message());
    }
    records.emplace_back(path, std::move(record));
  }
  return records;
}

absl::Status CheckOneStudy(const std::vector<std::pair<std::string, ShardRecord>>& records) {
  for (const auto& [path, record] : records) {
    const auto& [first_path, first] = records.front();
    if (record.study_hash() != first.study_hash()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "shards of different studies: ", first_path, " ran study '", first.study_name(),
          "' (", first.study_hash(), "), ", path, " study '", record.study_name(), "' (",
          record.study_hash(), ")"));
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> RowOrder(const ShardRecord& record) {
  std::vector<std::string> labels;
  for (const ShardRecord::TrialEntry& t : record.trial()) {
    if (std::find(labels.begin(), labels.end(), t.label()) == labels.end()) {
      labels.push_back(t.label());
    }
  }
  return labels;
}

}  // namespace nerve_mtl::study
