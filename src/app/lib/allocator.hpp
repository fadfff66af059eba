// Which malloc serves this process, for the start-up log.
#pragma once

#include <string>

namespace parley::app {

// "mimalloc 2.0.9" when mimalloc is linked in (or preloaded), else "glibc".
std::string allocator_in_use();

}  // namespace parley::app
