// The man page sora(1), written from the same command definitions as --help.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace sora::cli {

/// The roff source of sora(1) for the fully registered top-level app.
std::string man_page(const CLI::App& app);

/// Adds the hidden `--generate-man` flag: prints man_page(app) on stdout and exits 0. The build
/// runs it to write sora.1, so the page never drifts from --help.
void add_man_page_option(CLI::App& app);

} // namespace sora::cli
