// What every command shares: the global options, the client built from them, and error reporting.
#pragma once

#include "settings.hpp"

#include <sora/client.hpp>
#include <sora/clock.hpp>
#include <sora/journal.hpp>
#include <sora/transport.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace sora::cli {

class AppContext;
struct ListenOptions;
/// What runs `sora listen` once its arguments parse (commands/listen.hpp).
using ListenServer = int (*)(const ListenOptions& options, AppContext& ctx);

/// Set by SIGINT/SIGTERM; the core stops at the next chance and returns `interrupted`.
extern std::atomic<bool> g_interrupted;

struct GlobalOptions {
  std::string profile;
  std::string base_url;
  std::string api_key_file;
  bool json = false;
  bool quiet = false;
  int verbose = 0;
  double timeout_seconds = 600;
  double connect_timeout_seconds = 10;
  double stall_timeout_seconds = 60;
  int max_retries = 3;
  bool no_journal = false;
  bool no_progress = false;
  bool insecure = false;
};

/// A usable video id: not empty, not "." or "..", no control characters or invalid UTF-8 (a "/"
/// is fine: it is percent-encoded in the path). Fails with invalid_argument (exit 2).
Result<void> check_video_id(std::string_view id);

/// A CLI11 check for durations: a positive number of seconds ("" when fine, else the problem).
std::string positive_seconds(const std::string& value);

class AppContext {
public:
  GlobalOptions options;

  /// How run_cli was called, for `sora listen` (commands/listen.cpp): the arguments it hands
  /// unchanged to the companion sora-listen, or (in sora-listen) the server that runs it.
  struct Invocation {
    int argc = 0;
    char** argv = nullptr;
    ListenServer listen = nullptr;
  };
  Invocation invocation;

  /// Adds the global options to the top-level app (accepted before or after the subcommand).
  void register_options(CLI::App& app);

  /// The client for the resolved settings (flags, then environment). Fails with invalid_argument
  /// or unauthorized before anything is sent when the settings cannot work.
  Result<Client*> client();
  /// Another client for `config` (usually client()'s, with a shared Throttle), sending through
  /// the same transport and clock: one per worker of a command that handles several ids at once.
  std::unique_ptr<Client> make_client(ClientConfig config) const;

  /// The config file (read once) and the effective settings: flags > env > config profile >
  /// built-in profile > defaults. Fails (a usage error) on a bad config file or unknown profile.
  Result<const ConfigFile*> config_file();
  Result<const Settings*> settings();
  /// The profile of the settings resolved so far ("" before settings() ran).
  std::string profile_name() const { return m_settings ? m_settings->profile : std::string(); }
  /// Sends `model` even when the profile says not to (an explicit --model); before client().
  void force_model() { m_force_model = true; }
  /// Test hook: the client sends through `transport` (and sleeps on `clock`) instead of libcurl
  /// and the system clock. Set before the first client().
  void use_transport(std::shared_ptr<Transport> transport, std::shared_ptr<Clock> clock = nullptr) {
    m_transport = std::move(transport);
    m_clock = std::move(clock);
  }

  /// The job journal ($XDG_STATE_HOME/sora/jobs.jsonl).
  Journal journal() const;
  /// A video id, or the job an @last / @N reference names in the journal.
  Result<std::string> resolve_id(const std::string& reference) const;
  /// Records a job the moment its id is known (unless --no-journal); a failure only warns.
  void record_job(const std::string& command, const Video& video, const std::string& prompt,
                  const std::string& output) const;

  /// Prints an error (message, API details, hint, and `resume` when given) and returns its exit
  /// code.
  int fail(const Error& error, std::string_view resume = {}) const;
  /// Whether progress is drawn (not with --quiet or --no-progress).
  bool show_progress() const { return !options.quiet && !options.no_progress; }
  /// A progress or status line for people, on stderr; nothing with --quiet.
  void note(std::string_view line) const;
  /// A warning on stderr, shown even with --quiet.
  void warn(std::string_view line) const;
  /// For a 401: what was (or was not) sent, where it came from and why; "" before settings().
  std::string auth_hint() const;

private:
  std::optional<Client> m_client;
  std::optional<ConfigFile> m_config;
  std::optional<Settings> m_settings;
  bool m_force_model = false;
  std::shared_ptr<Transport> m_transport;
  std::shared_ptr<Clock> m_clock;
};

} // namespace sora::cli
