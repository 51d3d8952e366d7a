#ifndef NERVE_MTL_COMMON_PROGRESS_H_
#define NERVE_MTL_COMMON_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace nerve_mtl {

// Progress of long work: on a terminal a live bar redrawn in place; otherwise (CI logs, files)
// a plain line every `interval` and one at the end.
class Progress {
 public:
  using Clock = std::function<double()>;  // Seconds; injectable for tests.

  Progress(std::ostream* out, bool terminal, double interval_seconds = 10.0,
           Clock clock = nullptr);

  // Starts a phase of `total` units (steps, trials) described by `label`.
  void Start(const std::string& label, int64_t total);
  // Reports `done` units finished, with a short status such as "loss 0.41 12 img/s".
  void Update(int64_t done, const std::string& status);
  // Ends the phase with a final line.
  void Finish(const std::string& status);

  // True when stderr is a terminal.
  static bool StderrIsTerminal();
  // "1:02:03" or "2:03".
  static std::string FormatDuration(double seconds);

 private:
  std::string Line(int64_t done, const std::string& status) const;

  std::ostream* out_;
  bool terminal_;
  double interval_;
  Clock clock_;
  std::string label_;
  int64_t total_ = 0;
  double start_ = 0.0;
  double last_print_ = 0.0;
};

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_PROGRESS_H_
