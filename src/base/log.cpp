#include "base/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace parley::log {

namespace {
spdlog::level::level_enum& current_level() {
  static spdlog::level::level_enum level = spdlog::level::info;
  return level;
}
}  // namespace

void set_level(std::string_view level) {
  current_level() = spdlog::level::from_str(std::string(level));
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(current_level()); });
}

std::shared_ptr<spdlog::logger> get(const std::string& module) {
  if (auto existing = spdlog::get(module)) return existing;
  // Logs go to stderr so that command output on stdout stays scriptable.
  auto logger = spdlog::stderr_color_mt(module);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
  logger->set_level(current_level());
  return logger;
}

}  // namespace parley::log
