#include "printer.h"

namespace zk::cli {

void Printer::Out(std::string_view text) {
  std::lock_guard<std::mutex> lock(mu_);
  fwrite(text.data(), 1, text.size(), out_);
  fflush(out_);
}

void Printer::Err(std::string_view text) {
  std::lock_guard<std::mutex> lock(mu_);
  fflush(out_);
  fwrite(text.data(), 1, text.size(), err_);
  fflush(err_);
}

void Printer::Event(std::string text) {
  std::function<void()> notify;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!notify_) {
      fwrite(text.data(), 1, text.size(), out_);
      fflush(out_);
      return;
    }
    queued_.push_back(std::move(text));
    notify = notify_;
  }
  notify();
}

void Printer::DeferEvents(std::function<void()> notify) {
  std::lock_guard<std::mutex> lock(mu_);
  notify_ = std::move(notify);
}

std::vector<std::string> Printer::TakeEvents() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  out.swap(queued_);
  return out;
}

}  // namespace zk::cli
