// Resolving global settings into a ClientConfig, and the one place errors are printed.
#include "app_context.hpp"

#include "exit_codes.hpp"
#include "hints.hpp"
#include "output.hpp"

#include <sora/terminal_text.hpp>

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

// The first line of a key file: password managers (`pass show`) print the secret first and
// notes after it, which must never become request headers.
Result<std::string> read_key_file(const std::string& path) {
  std::string text;
  if (path == "-") {
    std::getline(std::cin, text);
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in)
      return unexpected(ErrorCode::invalid_argument, "Cannot read the API key file " + path + ".",
                        "Check the path given to --api-key-file (or api_key_file in the config "
                        "file).");
    std::getline(in, text);
  }
  text = trim(std::move(text));
  if (text.empty())
    return unexpected(ErrorCode::invalid_argument,
                      "The first line of the API key file " + (path == "-" ? "(stdin)" : path) +
                          " is empty.",
                      "Put the key on the file's first line.");
  return text;
}

bool holds_line_break(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// Keys, header names and header values go into HTTP headers: a CR, LF or NUL in one would end
// the header and start another (header injection), so none is sent.
Result<void> check_header_text(std::string_view text, const std::string& what,
                               const std::string& source) {
  if (!holds_line_break(text)) return {};
  return unexpected(ErrorCode::invalid_argument,
                    what + " from " + source + " holds a line break (CR or LF) or a NUL byte.",
                    "HTTP headers are one line: fix " + source +
                        " (a key file's first line is "
                        "its key; nothing else is read).");
}

std::string row_source(const Settings& s, std::string_view key) {
  for (const auto& row : s.rows)
    if (row.key == key) return row.source.empty() ? std::string("the settings") : row.source;
  return "the settings";
}

Result<void> check_headers(const Settings& s) {
  const Profile& p = s.effective;
  for (const auto& h : p.style.headers) {
    std::string from = row_source(s, "headers");
    bool bad_name = h.name.empty() || h.name.find_first_of(" \t:") != std::string::npos;
    if (bad_name || holds_line_break(h.name))
      return unexpected(ErrorCode::invalid_argument,
                        "The header name '" + h.name + "' from " + from + " is not a valid name.",
                        "A header name is one word without spaces, colons or line breaks.");
    if (auto ok = check_header_text(h.value, "The value of header " + h.name, from); !ok) return ok;
  }
  if (auto ok = check_header_text(p.auth_header, "The auth header name", row_source(s, "auth"));
      !ok)
    return ok;
  return check_header_text(p.base_url, "The base URL", row_source(s, "base_url"));
}

} // namespace

Result<void> check_video_id(std::string_view id) {
  std::string problem = id.empty()                ? "is empty"
                        : id == "." || id == ".." ? "is a path step, not an id"
                        : !is_terminal_safe(id)   ? "holds control characters"
                                                  : "";
  if (problem.empty()) return {};
  return unexpected(ErrorCode::invalid_argument,
                    "The video id '" + terminal_safe(id) + "' " + problem + ".",
                    "Give an id as 'sora list' shows it (video_...), or @last for the newest job.");
}

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
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) loaded->path.clear(); // no file: nothing came from it
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

  if (auto ok = check_headers(s); !ok) return unexpected(ok.error());
  if (s.api_key) {
    config.api_key = trim(*s.api_key);
  } else if (!s.api_key_file.empty()) {
    auto key = read_key_file(s.api_key_file);
    if (!key) return unexpected(key.error());
    config.api_key = std::move(*key);
  }
  if (auto ok = check_header_text(config.api_key, "The API key", s.api_key_source); !ok)
    return unexpected(ok.error());
  bool sends_key = config.auth != AuthScheme::none;
  if (config.api_key.empty() && !loopback && sends_key && !s.key_optional)
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
  set_output_redactor(Redactor::for_config(config)); // nothing printed shows a secret
  config.cancel = &g_interrupted;
  config.insecure = options.insecure;
  if (options.insecure) warn("TLS certificate verification is off (--insecure).");
  if (options.verbose > 0) {
    // Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    auto mode = env("NO_COLOR") ? spdlog::color_mode::never : spdlog::color_mode::automatic;
    // _mt: the workers of a batch or of several ids log from their own threads.
    auto logger = std::make_shared<spdlog::logger>(
        "sora", std::make_shared<spdlog::sinks::stderr_color_sink_mt>(mode));
    logger->set_pattern("%^%l%$ %v");
    logger->set_level(options.verbose > 1 ? spdlog::level::trace : spdlog::level::debug);
    config.log = [logger](LogLevel level, std::string_view line) {
      logger->log(level == LogLevel::trace ? spdlog::level::trace : spdlog::level::debug, "{}",
                  shown_lines(line)); // headers and bodies from the server, escaped
    };
  }
  m_client.emplace(std::move(config), m_transport, m_clock);
  return &*m_client;
}

std::unique_ptr<Client> AppContext::make_client(ClientConfig config) const {
  return std::make_unique<Client>(std::move(config), m_transport, m_clock);
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
  if (auto ok = check_video_id(named->id); !ok) return unexpected(ok.error());
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

std::string AppContext::auth_hint() const {
  if (!m_settings) return {};
  const Settings& s = *m_settings;
  const Profile& p = s.effective;
  std::string profile = "profile " + s.profile;
  if (s.api_key_source.empty()) {
    if (p.auth == AuthScheme::none) return "No key was sent: the " + profile + " sends none.";
    return "No key was sent: none is set. Set SORA_API_KEY" +
           (p.api_key_env.empty() ? std::string() : " (or " + p.api_key_env + ")") +
           ", or pass --api-key-file PATH.";
  }
  if (p.auth == AuthScheme::none)
    return "No key was sent: the " + profile + " has auth = \"none\" (" + row_source(s, "auth") +
           "), so the key from " + s.api_key_source + " was not used.";
  std::string how = p.auth == AuthScheme::header ? p.auth_header + ": KEY"
                    : p.auth == AuthScheme::raw  ? "Authorization: KEY"
                    : p.auth == AuthScheme::key  ? "Authorization: Key KEY"
                                                 : "Authorization: Bearer KEY";
  return "The key from " + s.api_key_source + " was sent as " + how + " (" + profile +
         ") and refused: check it is the key for this server.";
}

int AppContext::fail(const Error& raw, std::string_view resume) const {
  Error error = output_redactor().apply(raw);
  std::string hint = hint_for(error);
  if (error.code == ErrorCode::unauthorized && error.http_status == 401)
    if (auto auth = auth_hint(); !auth.empty()) hint = auth;
  if (!error.suggested_base_url.empty())
    hint = "Try --base-url " + error.suggested_base_url + " (or set SORA_BASE_URL).";
  std::string text = "sora: error: " + shown(message_for(error)) + "\n";
  if (error.http_status != 0) {
    text += "  HTTP " + std::to_string(error.http_status);
    if (!error.api_type.empty()) text += ", type " + shown(error.api_type);
    if (!error.api_code.empty()) text += ", code " + shown(error.api_code);
    if (!error.api_param.empty()) text += ", param " + shown(error.api_param);
    if (!error.request_id.empty()) text += ", request id " + shown(error.request_id);
    text += "\n";
  }
  if (!hint.empty()) text += "  hint: " + shown(hint) + "\n";
  if (!resume.empty()) text += "  resume: " + shown(resume) + "\n";
  std::fputs(text.c_str(), stderr);
  return exit_code_for(error);
}

void AppContext::note(std::string_view line) const {
  if (options.quiet) return;
  std::fprintf(stderr, "%s\n", shown_lines(cli_words(line)).c_str());
}

void AppContext::warn(std::string_view line) const {
  std::fprintf(stderr, "sora: warning: %s\n", shown_lines(cli_words(line)).c_str());
}

} // namespace sora::cli
