// The one Catch2 main shared by every test executable.
//
// It adds a reporter, "casetap", that prints one TAP line per TEST_CASE (the
// stock TAP reporter prints one per assertion, which would be millions of
// lines for the statistical tests). meson runs every suite with
// `--reporter casetap` and protocol 'tap', so each test case is counted by
// meson and by .ci/run. Failed assertions are printed as TAP comments.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

class CaseTapReporter : public Catch::StreamingReporterBase<CaseTapReporter> {
 public:
  using StreamingReporterBase::StreamingReporterBase;

  static std::string getDescription() { return "TAP, one line per test case"; }

  void assertionStarting(Catch::AssertionInfo const&) override {}

  bool assertionEnded(Catch::AssertionStats const& stats) override {
    const Catch::AssertionResult& r = stats.assertionResult;
    // WARN("... skipped") is how a case says it cannot run here (no
    // ZooKeeper, no zkCli.sh, ...): it is reported as a skip, not a pass.
    if (r.getResultType() == Catch::ResultWas::Warning &&
        r.getMessage().find("skipped") != std::string::npos) {
      skip_reasons_.push_back(r.getMessage());
      return true;
    }
    if (r.isOk()) return true;
    std::string line = std::string(r.getSourceInfo().file) + ":" +
                       std::to_string(r.getSourceInfo().line) + ": ";
    if (r.hasExpression()) {
      line += r.getExpressionInMacro() + " with expansion " + r.getExpandedExpression();
    }
    if (r.hasMessage()) line += " " + r.getMessage();
    for (const auto& info : stats.infoMessages) line += " [" + info.message + "]";
    failures_.push_back(std::move(line));
    return true;
  }

  void testCaseEnded(Catch::TestCaseStats const& stats) override {
    ++count_;
    const bool ok = stats.totals.assertions.failed == 0 ||
                    stats.totals.assertions.failed == stats.totals.assertions.failedButOk;
    // A case that checked nothing and said it was skipped is a TAP skip; one
    // that checked something and then skipped the rest passes, with a note.
    const bool skipped = ok && !skip_reasons_.empty() && stats.totals.assertions.passed == 0;
    stream << (ok ? "ok " : "not ok ") << count_ << " - " << stats.testInfo.name;
    if (skipped) stream << " # SKIP " << Escape(skip_reasons_.front());
    stream << "\n";
    if (!skipped) {
      for (const auto& r : skip_reasons_) stream << "# skipped part: " << Escape(r) << "\n";
    }
    skip_reasons_.clear();
    for (const auto& f : failures_) stream << "# " << f << "\n";
    if (!stats.stdOut.empty()) stream << "# stdout: " << Escape(stats.stdOut) << "\n";
    failures_.clear();
    stream.flush();
    StreamingReporterBase::testCaseEnded(stats);
  }

  void testRunEnded(Catch::TestRunStats const& stats) override {
    stream << "1.." << count_ << "\n";
    StreamingReporterBase::testRunEnded(stats);
  }

 private:
  static std::string Escape(const std::string& s) {
    std::string out;
    for (char c : s) out += (c == '\n') ? std::string("\n# ") : std::string(1, c);
    return out;
  }

  int count_ = 0;
  std::vector<std::string> failures_;
  std::vector<std::string> skip_reasons_;
};

}  // namespace

CATCH_REGISTER_REPORTER("casetap", CaseTapReporter)
