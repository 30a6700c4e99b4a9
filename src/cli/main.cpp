// sora: the command-line client for the Sora Videos API.
#include "app.hpp"

int main(int argc, char** argv) {
  return sora::cli::run_main(argc, argv, {});
}
