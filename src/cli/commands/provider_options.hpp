// The create options that shape a request for a provider: --field, --field-json, --image-url,
// and the profile's model/size/seconds defaults.
#pragma once

#include "app_context.hpp"

#include <sora/client.hpp>
#include <sora/image.hpp>

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
} // namespace CLI

namespace sora::cli {

struct ProviderOptions {
  std::vector<std::string> fields;      ///< NAME=VALUE, sent as text
  std::vector<std::string> json_fields; ///< NAME=JSON
  std::string image_url;
  // Portable options (docs/providers.md, "Portable options").
  std::string aspect_ratio;
  std::string resolution;
  std::string last_frame;
  std::vector<std::string> references;
  std::optional<bool> audio; ///< --generate-audio / --no-audio
  std::optional<long long> seed;
  std::string negative_prompt;
  std::string callback_url; ///< --callback-url: the profile's per-job callback field
};

/// Checks a per-job callback URL for the active profile: the profile must take one (else a usage
/// error naming it), and the URL must be https (http only to a loopback address, for tests).
/// Returns the request member that carries it.
Result<ExtraField> callback_field(AppContext& ctx, const std::string& url);

/// Adds --field, --field-json, --callback-url and --image-url (which excludes `image`, the --image
/// option), and
/// the portable options (--aspect-ratio, --resolution, --last-frame, --reference,
/// --generate-audio/--no-audio, --seed, --negative-prompt).
void add_provider_options(CLI::App& sub, ProviderOptions& options, CLI::Option* image);

/// Completes a create request from the options and the active profile: the profile's default
/// model, size and seconds where no flag gave one (`flags` holds what the flags set), the image
/// URL and the extra fields (JSON checked). An explicit --model is sent even on a profile with
/// send_model = false. The portable options are checked against the profile (one it cannot
/// express fails, naming the profile and the option) and against the model's capabilities
/// (`sora models`). Fails with invalid_argument before anything is sent.
/// `offline` (--dry-run): the capability check reads only the cached model list.
Result<void> apply_provider_options(AppContext& ctx, const ProviderOptions& options,
                                    CreateRequest& request, bool offline = false);

/// Fails (invalid_argument) naming both when the request asks for a silent video (--no-audio,
/// generate_audio false) and its prompt describes the sound (an audio part).
Result<void> check_audio_part(const CreateRequest& request);

/// An audio part asks for an audio track: sets `audio` when the prompt describes the sound, no
/// switch was given, the profile has one, and the model's capabilities do not refuse audio.
void ask_for_described_audio(AppContext& ctx, CreateRequest& request, bool offline = false);

/// Checks the request like validate_create, with OpenAI's values as errors only on the openai
/// profile; elsewhere a mismatch is printed as a warning (tolerance rule 8).
Result<void> validate_for_profile(AppContext& ctx, CreateRequest& request,
                                  const std::optional<ImageInfo>& image);

} // namespace sora::cli
