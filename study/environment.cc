#include "study/environment.h"

#include <ATen/Parallel.h>
#include <torch/version.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "debian_lock/versions.h"

namespace nerve_mtl::study {
namespace {

std::string GitRevision() {
  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  const std::string dir = workspace != nullptr ? workspace : ".";
  const std::string command = absl::StrCat("git -C '", dir,
                                           "' describe --always --dirty --abbrev=12 2>/dev/null");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "unknown";
  std::array<char, 128> buffer{};
  std::string out;
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) out += buffer.data();
  const int status = pclose(pipe);
  out = std::string(absl::StripTrailingAsciiWhitespace(out));
  return status == 0 && !out.empty() ? out : "unknown";
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "model name")) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) {
        return std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
      }
    }
  }
  return "unknown";
}

}  // namespace

Environment CurrentEnvironment() {
  Environment env;
  env.set_git_revision(GitRevision());
  env.set_libtorch_version(
      absl::StrCat(TORCH_VERSION, " (Debian ", debian_lock::kLibTorchDebianVersion, ")"));
  env.set_cpu(CpuModel());
  env.set_threads(at::get_num_threads());
  char host[256] = {};
  env.set_hostname(gethostname(host, sizeof(host) - 1) == 0 ? host : "unknown");
  env.set_device("cpu");
  return env;
}

}  // namespace nerve_mtl::study
