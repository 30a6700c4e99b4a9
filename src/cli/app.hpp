// The command tree of `sora`, as a library function: what main() runs, and what tests run in
// process.
#pragma once

namespace sora::cli {

/// Parses `argv` and runs the chosen command; returns its exit code (docs/cli.md). Parse errors are
/// reported on stderr with exit 2. Exceptions other than CLI11's parse errors propagate.
int run_cli(int argc, char** argv);

} // namespace sora::cli
