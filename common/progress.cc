#include "common/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace nerve_mtl {

Progress::Progress(std::ostream* out, bool terminal, double interval_seconds, Clock clock)
    : out_(out), terminal_(terminal), interval_(interval_seconds), clock_(std::move(clock)) {
  if (!clock_) {
    clock_ = [] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
  }
}

bool Progress::StderrIsTerminal() { return isatty(fileno(stderr)) != 0; }

std::string Progress::FormatDuration(double seconds) {
  const int64_t s = static_cast<int64_t>(std::max(0.0, std::round(seconds)));
  if (s >= 3600) return absl::StrFormat("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  return absl::StrFormat("%d:%02d", s / 60, s % 60);
}

void Progress::Start(const std::string& label, int64_t total) {
  label_ = label;
  total_ = total;
  start_ = last_print_ = clock_();
}

std::string Progress::Line(int64_t done, const std::string& status) const {
  const double elapsed = clock_() - start_;
  std::string eta = "?";
  if (done > 0 && total_ > 0) eta = FormatDuration(elapsed / done * (total_ - done));
  std::string bar;
  if (terminal_ && total_ > 0) {
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(kWidth * std::min<int64_t>(done, total_) / total_);
    bar = absl::StrCat("[", std::string(filled, '#'), std::string(kWidth - filled, '.'), "] ");
  }
  return absl::StrCat(label_, " ", bar, done, "/", total_, status.empty() ? "" : "  ", status,
                      "  elapsed ", FormatDuration(elapsed), " ETA ", eta);
}

void Progress::Update(int64_t done, const std::string& status) {
  const double now = clock_();
  if (terminal_) {
    // Redraw in place; clear the rest of the line.
    *out_ << "\r" << Line(done, status) << "\033[K" << std::flush;
  } else if (now - last_print_ >= interval_) {
    *out_ << Line(done, status) << "\n" << std::flush;
    last_print_ = now;
  }
}

void Progress::Finish(const std::string& status) {
  if (terminal_) *out_ << "\r";
  *out_ << Line(total_, status) << (terminal_ ? "\033[K\n" : "\n") << std::flush;
}

}  // namespace nerve_mtl
