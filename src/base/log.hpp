// Per-module loggers (DESIGN.md convention 10): `log::get("sip.txn")` returns a
// spdlog logger whose lines carry the module tag; messages use key=value
// fields. Passwords and Authorization values are never logged. Thread: any
// (spdlog loggers are thread-safe; creation happens at start-up or on first use).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace parley::log {

// Sets the level of every logger ("trace", "debug", "info", "warn", "error").
void set_level(std::string_view level);
std::shared_ptr<spdlog::logger> get(const std::string& module);

}  // namespace parley::log
