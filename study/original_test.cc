#include "reports/original.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "common/textproto.h"
#include "gtest/gtest.h"
#include "study/grid.h"
#include "study/study.pb.h"

namespace nerve_mtl::reports {
namespace {

namespace fs = std::filesystem;

constexpr char kCommitted[] = "study/original";

fs::path TestDir(const std::string& name) {
  const fs::path dir = fs::path(std::getenv("TEST_TMPDIR")) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void Write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

constexpr char kFact[] = "fact { aspect: \"a\" ours: \"x\" original: \"y\" source: \"code\" }\n";

TEST(OriginalTest, CommittedConfigurationParsesAndCoversEveryModelOfTheDefaultStudy) {
  absl::StatusOr<Original> original = ReadOriginal(kCommitted);
  ASSERT_TRUE(original.ok()) << original.status();
  EXPECT_FALSE(original->facts.fact().empty());

  study::Study study;
  ASSERT_TRUE(ReadTextProtoFile("study/studies/default.textproto", &study).ok());
  absl::StatusOr<std::vector<study::Trial>> trials = study::ExpandStudy(study);
  ASSERT_TRUE(trials.ok()) << trials.status();
  std::set<std::string> models;
  for (const study::Trial& trial : *trials) models.insert(trial.experiment.model().name());
  EXPECT_EQ(models.size(), 4u) << "the default study's networks";
  for (const std::string& model : models) {
    EXPECT_EQ(original->networks.count(model), 1u) << "no study/original/" << model << ".textproto";
  }
}

TEST(OriginalTest, ReadsNetworksByModelNameAndTheFacts) {
  const fs::path dir = TestDir("good");
  Write(dir / "quicknat.textproto", "model { name: \"quicknat\" filters: 64 }\n");
  Write(dir / "facts.textproto", kFact);
  Write(dir / "notes.txt", "not a spec");
  absl::StatusOr<Original> original = ReadOriginal(dir.string());
  ASSERT_TRUE(original.ok()) << original.status();
  ASSERT_EQ(original->networks.size(), 1u);
  EXPECT_EQ(original->networks.at("quicknat").model().filters(), 64);
  ASSERT_EQ(original->facts.fact_size(), 1);
  EXPECT_EQ(original->facts.fact(0).original(), "y");
}

TEST(OriginalTest, FileNameMustBeTheModelName) {
  const fs::path dir = TestDir("misnamed");
  Write(dir / "quickfcn.textproto", "model { name: \"quicknat\" }\n");
  Write(dir / "facts.textproto", kFact);
  absl::StatusOr<Original> original = ReadOriginal(dir.string());
  EXPECT_EQ(original.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(original.status().message().find("quickfcn.textproto: model.name is 'quicknat'"),
            std::string::npos)
      << original.status();
}

TEST(OriginalTest, UnknownFieldNamesFileAndLine) {
  const fs::path dir = TestDir("typo");
  Write(dir / "quicknat.textproto", "model { name: \"quicknat\"\n  filtres: 64 }\n");
  Write(dir / "facts.textproto", kFact);
  absl::StatusOr<Original> original = ReadOriginal(dir.string());
  ASSERT_FALSE(original.ok());
  EXPECT_NE(original.status().message().find("quicknat.textproto:2:"), std::string::npos)
      << original.status();
}

TEST(OriginalTest, MissingDirectoryOrFactsIsNotFound) {
  EXPECT_EQ(ReadOriginal((TestDir("none") / "absent").string()).status().code(),
            absl::StatusCode::kNotFound);
  const fs::path dir = TestDir("no_facts");
  Write(dir / "quicknat.textproto", "model { name: \"quicknat\" }\n");
  absl::StatusOr<Original> original = ReadOriginal(dir.string());
  EXPECT_EQ(original.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(original.status().message().find("no facts.textproto"), std::string::npos);
}

TEST(OriginalTest, FactNeedsExactlyOneOfOursAndOursOneof) {
  const fs::path dir = TestDir("bad_fact");
  Write(dir / "facts.textproto",
        "fact { aspect: \"data\" ours: \"x\" ours_oneof: \"data.source\" original: \"y\" }\n");
  absl::StatusOr<Original> original = ReadOriginal(dir.string());
  EXPECT_EQ(original.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(original.status().message().find("fact 'data': needs exactly one"), std::string::npos)
      << original.status();
}

}  // namespace
}  // namespace nerve_mtl::reports
