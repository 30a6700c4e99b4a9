// One table from (error kind, setting, hint kind, values) to the words users see today.
#include "hints.hpp"

#include <array>
#include <utility>
#include <vector>

namespace sora::cli {

namespace {

struct SettingWords {
  std::string_view setting;
  std::string_view words;
};

// Neutral setting names (include/sora/error.hpp) and what the CLI calls them.
constexpr std::array k_settings{
    SettingWords{"seconds", "--seconds"},
    SettingWords{"size", "--size"},
    SettingWords{"fit", "--fit"},
    SettingWords{"base_url", "--base-url"},
    SettingWords{"api_key", "SORA_API_KEY"},
    SettingWords{"api_key_file", "--api-key-file"},
    SettingWords{"image", "--image"},
    SettingWords{"image_url", "--image-url"},
    SettingWords{"field", "--field"},
    SettingWords{"field_json", "--field-json"},
    SettingWords{"variant", "--variant"},
    SettingWords{"prompt", "--prompt"},
    SettingWords{"prompt_file", "--prompt-file"},
    SettingWords{"model", "--model"},
    SettingWords{"timeout", "--timeout"},
    SettingWords{"shot", "--shot"},
    SettingWords{"action", "--action"},
    SettingWords{"timing", "--timing"},
    SettingWords{"lighting", "--lighting"},
    SettingWords{"audio", "--audio"},
    SettingWords{"video_id", "the video id"},
    SettingWords{"output", "-o"},
    SettingWords{"force", "--force"},
    SettingWords{"profile", "--profile"},
};

std::string or_list(const std::vector<std::string>& values) {
  std::string text;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += i + 1 == values.size() ? " or " : ", ";
    text += values[i];
  }
  return text;
}

std::string value_at(const Error& e, std::size_t i) {
  return i < e.hint_values.size() ? e.hint_values[i] : std::string();
}

std::string flag(const Error& e) {
  auto words = flag_for_setting(e.setting);
  return words.empty() ? e.setting : std::string(words);
}

// The hints table: what each remedy is called on the command line. An empty answer falls back to
// the core's own (neutral) hint.
std::string table_hint(const Error& e) {
  switch (e.hint_kind) {
  case HintKind::none:
    return {};
  case HintKind::check_base_url:
    return "Check --base-url: it must point at a server that speaks the Videos API.";
  case HintKind::check_api_key:
    return "Check the API key in SORA_API_KEY (or OPENAI_API_KEY, or --api-key-file).";
  case HintKind::check_video_id:
    return "Check the video id (sora list shows yours) and --base-url.";
  case HintKind::use_fit:
    // hint_values: [target size] (may be empty), [the image's own size, when another model or
    // --size could take it], and "supported" when the image's size is one the model supports.
    if (e.hint_values.empty() || value_at(e, 0).empty())
      return "Add --fit cover (crop to fill) or --fit contain (pad) to resize it.";
    if (e.hint_values.size() == 1)
      return "Add --fit cover (crop to fill) or --fit contain (pad) to resize it to the closest "
             "of " +
             value_at(e, 0) + ".";
    return "Add --fit cover (crop to fill) or --fit contain (pad) to resize it to " +
           value_at(e, 0) + ", or use --size " + value_at(e, 1) +
           (value_at(e, 2) == "supported" ? "." : " with a model that supports it.");
  case HintKind::choose_supported_value: {
    // The core's hint may add a remark after the values ("(more sizes with sora-2-pro)."): keep it.
    auto values = or_list(e.hint_values);
    auto at = e.hint.find(values);
    auto rest = at == std::string::npos ? std::string(".") : e.hint.substr(at + values.size());
    return "Use " + flag(e) + " " + values + cli_words(rest);
  }
  case HintKind::describe_prompt:
    return "Describe the video with --prompt TEXT or --prompt-file PATH.";
  case HintKind::check_image_path:
    return "Check the path given to --image.";
  case HintKind::use_supported_image:
    return "Use a JPEG, PNG or WebP image for --image.";
  case HintKind::give_image_or_size:
    return "Give --image PATH, or a size such as --size " + value_at(e, 0) + ".";
  case HintKind::give_model_or_default:
    return "Give a model such as sora-2, or leave --model out.";
  case HintKind::use_valid_size:
    return "Use --size WxH (e.g. 1280x720) or --size auto.";
  case HintKind::raise_timeout:
    return "Raise --timeout, or try again later.";
  case HintKind::check_server_reachable:
    return "Check --base-url and your network; is the server running?";
  case HintKind::list_jobs:
    return "The job may have been created: check 'sora list' before trying again.";
  case HintKind::show_history:
    return "See sora history for the jobs sora has started" +
           (value_at(e, 0).empty() ? std::string(".") : " (" + value_at(e, 0) + ").");
  case HintKind::choose_profile:
    return "OpenAI shut down its Videos API (Sora 2) on 2026-09-24; to use another server that "
           "speaks the same API, see 'sora profiles'.";
  case HintKind::wait_for_job:
    return "Wait for it first: sora wait " + value_at(e, 0);
  case HintKind::create_again:
    return "Servers keep the files for a limited time after a video is finished; create it again "
           "(sora remix or sora create), and download right away.";
  case HintKind::use_video_variant:
    return "This server may not offer that variant; try --variant video.";
  case HintKind::use_job_reference:
    return "Use @last (the newest job), @1, @2, … (see sora history), or a video id.";
  }
  return {};
}

} // namespace

std::string_view flag_for_setting(std::string_view setting) noexcept {
  for (const auto& s : k_settings)
    if (s.setting == setting) return s.words;
  return {};
}

std::string cli_words(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto close = text[i] == '`' ? text.find('`', i + 1) : std::string_view::npos;
    if (close != std::string_view::npos) {
      auto words = flag_for_setting(text.substr(i + 1, close - i - 1));
      if (!words.empty()) {
        out += words;
        i = close + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

std::string message_for(const Error& error) {
  return cli_words(error.message);
}

std::string hint_for(const Error& error) {
  // The table speaks for a hint kind while the core's hint is still the one written with it (it
  // names its setting in backquotes). A hint the core replaced later without resetting the kind
  // (src/core/api/client.cpp, until it is converted) keeps its own words.
  bool current =
      error.setting.empty() || error.hint.find("`" + error.setting + "`") != std::string::npos;
  auto words = current ? table_hint(error) : std::string();
  return words.empty() ? cli_words(error.hint) : words;
}

} // namespace sora::cli
