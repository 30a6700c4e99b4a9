// Uses the installed library: prints its version, builds a client and probes an image.
#include <sora/client.hpp>
#include <sora/image.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: app IMAGE\n";
    return 2;
  }
  sora::ClientConfig config;
  config.base_url = "http://127.0.0.1:9/v1";
  sora::Client client(config);
  std::cout << "sora " << sora::version() << "\n" << client.config().base_url << "\n";

  auto info = sora::probe_image(argv[1]);
  if (!info) {
    std::cerr << "probe failed: " << info.error().message << "\n";
    return 1;
  }
  std::cout << sora::size_string(*info) << " " << sora::mime_type(info->type) << "\n";
  return 0;
}
