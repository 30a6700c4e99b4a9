// Resolving global settings into a ClientConfig, and the one place errors are printed.
#include "app_context.hpp"

#include "exit_codes.hpp"
#include "hints.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <utility>

namespace sora::cli {

std::atomic<bool> g_interrupted{false};

namespace {

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

std::string trim(std::string text) {
  auto end = text.find_last_not_of(" \t\r\n");
  text.erase(end == std::string::npos ? 0 : end + 1);
  auto begin = text.find_first_not_of(" \t\r\n");
  return begin == std::string::npos ? std::string() : text.substr(begin);
}

Result<std::string> read_key_file(const std::string& path) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in)
      return unexpected(ErrorCode::invalid_argument, "Cannot read the API key file " + path + ".",
                        "Check the path given to --api-key-file (or api_key_file in the config "
                        "file).");
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text = trim(std::move(text));
  if (text.empty())
    return unexpected(ErrorCode::invalid_argument, "The API key file " + path + " is empty.",
                      "Put the key on the file's first line.");
  return text;
}

} // namespace

std::string positive_seconds(const std::string& value) {
  char* end = nullptr;
  double seconds = std::strtod(value.c_str(), &end);
  if (end == value.c_str() || *end != '\0' || !(seconds > 0) || seconds > 1e7)
    return "'" + value + "' is not a number of seconds above 0";
  return {};
}

void AppContext::register_options(CLI::App& app) {
  app.add_option("--profile", options.profile,
                 "Provider profile: openai (default), litellm, vllm-omni, sglang, new-api, "
                 "openrouter, together, azure, or one from the config file (env SORA_PROFILE; "
                 "see sora profiles)")
      ->type_name("NAME");
  app.add_option("--base-url", options.base_url,
                 "API base URL, an opaque prefix (env SORA_BASE_URL; default: the profile's, "
                 "https://api.openai.com/v1 or OPENAI_BASE_URL for openai)")
      ->type_name("URL");
  app.add_option("--api-key-file", options.api_key_file,
                 "Read the API key from this file ('-' for stdin); otherwise SORA_API_KEY, then "
                 "the profile's variable (OPENAI_API_KEY for openai) or api_key_file")
      ->type_name("PATH");
  app.add_flag("--json", options.json, "Print results as JSON, one document per result");
  app.add_flag("-q,--quiet", options.quiet, "Print only results and errors");
  app.add_flag("-v,--verbose", options.verbose,
               "Log requests to stderr (-vv adds redacted headers)");
  app.add_flag("--no-progress", options.no_progress,
               "No progress lines on stderr (messages and errors still appear)");
  app.add_flag("--no-journal", options.no_journal,
               "Do not record started jobs in the journal (see sora history)");
  app.add_flag("--insecure", options.insecure,
               "Skip TLS certificate verification (unsafe; for test servers only)");
  app.add_option("--timeout", options.timeout_seconds, "Timeout of one request, in seconds")
      ->type_name("SECONDS")
      ->check(positive_seconds)
      ->capture_default_str();
  app.add_option("--connect-timeout", options.connect_timeout_seconds,
                 "Give up connecting after this many seconds")
      ->type_name("SECONDS")
      ->check(positive_seconds)
      ->capture_default_str();
  app.add_option("--stall-timeout", options.stall_timeout_seconds,
                 "Give up a transfer that moves no data for this many seconds")
      ->type_name("SECONDS")
      ->check(positive_seconds)
      ->capture_default_str();
  app.add_option("--max-retries", options.max_retries,
                 "Retries of a failed request (network errors, 408, 409, 429, 5xx)")
      ->type_name("N")
      ->check(CLI::Range(0, 20))
      ->capture_default_str();
}

Result<const ConfigFile*> AppContext::config_file() {
  if (m_config) return &*m_config;
  bool explicit_path = false;
  std::string path = config_path(std::getenv("SORA_CONFIG"), std::getenv("XDG_CONFIG_HOME"),
                                 std::getenv("HOME"), explicit_path);
  auto loaded = load_config(path, explicit_path);
  if (!loaded) return unexpected(loaded.error());
  if (!std::filesystem::exists(path)) loaded->path.clear(); // no file: nothing came from it
  m_config = std::move(*loaded);
  return &*m_config;
}

Result<const Settings*> AppContext::settings() {
  if (m_settings) return &*m_settings;
  auto file = config_file();
  if (!file) return unexpected(file.error());
  SettingFlags flags{options.profile, options.base_url, options.api_key_file};
  auto resolved =
      resolve_settings(**file, flags, [](const std::string& name) { return env(name.c_str()); });
  if (!resolved) return unexpected(resolved.error());
  m_settings = std::move(*resolved);
  return &*m_settings;
}

Result<Client*> AppContext::client() {
  if (m_client) return &*m_client;
  auto resolved = settings();
  if (!resolved) return unexpected(resolved.error());
  const Settings& s = **resolved;
  const Profile& profile = s.effective;
  ClientConfig config;
  config.base_url = profile.base_url;
  if (config.base_url.empty())
    return unexpected(ErrorCode::invalid_argument,
                      "The profile '" + s.profile + "' has no base URL: its server is your own.",
                      "Pass --base-url URL (or set SORA_BASE_URL, or base_url in [profiles." +
                          s.profile + "] of the config file).");
  bool loopback = is_loopback_url(config.base_url);
  if (!is_http_url(config.base_url))
    return unexpected(ErrorCode::invalid_argument,
                      "The base URL '" + config.base_url + "' is not an http(s) URL.",
                      "Use a URL such as https://api.openai.com/v1 or http://127.0.0.1:8000/v1.");
  config.auth = profile.auth;
  config.auth_header = profile.auth_header;
  config.style = profile.style;
  if (m_force_model) config.style.send_model = true;

  if (s.api_key) {
    config.api_key = trim(*s.api_key);
  } else if (!s.api_key_file.empty()) {
    auto key = read_key_file(s.api_key_file);
    if (!key) return unexpected(key.error());
    config.api_key = std::move(*key);
  }
  bool sends_key = config.auth != AuthScheme::none;
  if (config.api_key.empty() && !loopback && sends_key)
    return unexpected(
        ErrorCode::unauthorized, "No API key.",
        "Set SORA_API_KEY" +
            (profile.api_key_env.empty() ? std::string() : " (or " + profile.api_key_env + ")") +
            ", or pass --api-key-file PATH.");
  if (sends_key && !config.api_key.empty() && is_plain_http_url(config.base_url) && !loopback)
    return unexpected(ErrorCode::invalid_argument,
                      "Refusing to send the API key over plain http:// to " + config.base_url + ".",
                      "Use https://, or a loopback address for a local server.");

  config.request_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(options.timeout_seconds * 1000));
  config.connect_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(options.connect_timeout_seconds * 1000));
  config.stall_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(options.stall_timeout_seconds * 1000));
  config.max_retries = options.max_retries;
  config.cancel = &g_interrupted;
  config.insecure = options.insecure;
  if (options.insecure) warn("TLS certificate verification is off (--insecure).");
  if (options.verbose > 0) {
    // Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    auto mode = env("NO_COLOR") ? spdlog::color_mode::never : spdlog::color_mode::automatic;
    auto logger = std::make_shared<spdlog::logger>(
        "sora", std::make_shared<spdlog::sinks::stderr_color_sink_st>(mode));
    logger->set_pattern("%^%l%$ %v");
    logger->set_level(options.verbose > 1 ? spdlog::level::trace : spdlog::level::debug);
    config.log = [logger](LogLevel level, std::string_view line) {
      logger->log(level == LogLevel::trace ? spdlog::level::trace : spdlog::level::debug, "{}",
                  line);
    };
  }
  m_client.emplace(std::move(config), m_transport, m_clock);
  return &*m_client;
}

Journal AppContext::journal() const {
  return Journal(Journal::default_path(std::getenv("XDG_STATE_HOME"), std::getenv("HOME")));
}

Result<std::string> AppContext::resolve_id(const std::string& reference) const {
  if (reference.empty())
    return unexpected(ErrorCode::invalid_argument, "The video id is empty.",
                      "Give a video id, or @last for the newest job.");
  auto named = journal().resolve_reference(reference);
  if (!named) return unexpected(named.error());
  // Never skipped silently: a torn newer line may have been the job meant (reported once).
  static bool reported = false;
  if (!named->skipped_lines.empty() && !std::exchange(reported, true))
    warn("The job journal's line " + std::to_string(named->skipped_lines.back()) +
         " is unreadable (a torn write?); " + reference + " names the newest readable job, " +
         named->id + ". See sora history.");
  return named->id;
}

void AppContext::record_job(const std::string& command, const Video& video,
                            const std::string& prompt, const std::string& output) const {
  if (options.no_journal || !m_client) return;
  JournalEntry entry;
  entry.id = video.id;
  entry.command = command;
  std::string base = m_client->config().base_url;
  auto start = base.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  entry.host = base.substr(start, base.find('/', start) - start);
  entry.model = video.model;
  entry.size = video.size;
  entry.seconds = video.seconds;
  entry.prompt = prompt;
  entry.output = output;
  if (m_settings) entry.profile = m_settings->profile;
  Journal j = journal();
  if (auto ok = j.append(entry); !ok)
    warn(ok.error().message + " (the video id is " + video.id + ")");
}

int AppContext::fail(const Error& error, std::string_view resume) const {
  std::string text = "sora: error: " + message_for(error) + "\n";
  if (error.http_status != 0) {
    text += "  HTTP " + std::to_string(error.http_status);
    if (!error.api_type.empty()) text += ", type " + error.api_type;
    if (!error.api_code.empty()) text += ", code " + error.api_code;
    if (!error.api_param.empty()) text += ", param " + error.api_param;
    if (!error.request_id.empty()) text += ", request id " + error.request_id;
    text += "\n";
  }
  if (auto hint = hint_for(error); !hint.empty()) text += "  hint: " + hint + "\n";
  if (!resume.empty()) text += "  resume: " + std::string(resume) + "\n";
  std::fputs(text.c_str(), stderr);
  return exit_code_for(error);
}

void AppContext::note(std::string_view line) const {
  if (options.quiet) return;
  auto words = cli_words(line);
  std::fprintf(stderr, "%.*s\n", static_cast<int>(words.size()), words.data());
}

void AppContext::warn(std::string_view line) const {
  auto words = cli_words(line);
  std::fprintf(stderr, "sora: warning: %.*s\n", static_cast<int>(words.size()), words.data());
}

} // namespace sora::cli
