// `parley serve`: the composition root that runs the server until shutdown.
// Called by the command line on the main thread; returns the exit code.
#pragma once

#include <filesystem>

#include "app/lib/config.hpp"

namespace parley::app {

int serve(const Config& config, const std::filesystem::path& data_dir, bool demo);

}  // namespace parley::app
