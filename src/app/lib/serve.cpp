#include "app/lib/serve.hpp"

#include <iostream>

namespace parley::app {

int serve(const Config&, const std::filesystem::path&, bool) {
  std::cerr << "serve: not implemented yet\n";
  return 1;
}

}  // namespace parley::app
