// `sora profiles`: the built-in provider profiles and those of the config file.
#include "commands/commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

#include <sora/profile.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace sora::cli {

Command register_profiles(CLI::App& app, AppContext& ctx) {
  auto* sub = app.add_subcommand("profiles", "List the provider profiles (built-in and config)");
  sub->footer("The active one is marked '*' (--profile, SORA_PROFILE, the config file's profile,\n"
              "else openai). Profiles live in ~/.config/sora/config.toml; see docs/providers.md.\n"
              "Example: sora profiles --json");
  return {sub, [&ctx] {
            auto file = ctx.config_file();
            if (!file) return ctx.fail(file.error());
            auto settings = ctx.settings();
            if (!settings) return ctx.fail(settings.error());
            struct Row {
              std::string name, base_url, auth, description, origin;
            };
            std::vector<Row> rows;
            for (const auto& name : profile_names(**file)) {
              SettingFlags flags{name, {}, {}};
              auto s = resolve_settings(**file, flags, [](const std::string&) {
                return std::optional<std::string>(); // each profile as configured
              });
              if (!s) return ctx.fail(s.error());
              const Profile& p = s->effective;
              bool builtin = find_builtin_profile(name) != nullptr;
              bool configured = (*file)->profiles.contains(name);
              rows.push_back({name, p.base_url, auth_to_string(p.auth, p.auth_header),
                              p.description,
                              builtin && configured ? "built-in, changed by config"
                              : builtin             ? "built-in"
                                                    : "config"});
            }
            const std::string& active = (*settings)->profile;
            if (ctx.options.json) {
              auto list = nlohmann::ordered_json::array();
              for (const auto& r : rows)
                list.push_back({{"name", r.name},
                                {"active", r.name == active},
                                {"origin", r.origin},
                                {"base_url", r.base_url},
                                {"auth", r.auth},
                                {"description", r.description}});
              print_line(list.dump());
              return static_cast<int>(k_exit_ok);
            }
            std::size_t name_w = 4, url_w = 8, auth_w = 4;
            for (const auto& r : rows) {
              name_w = std::max(name_w, r.name.size());
              url_w = std::max(url_w, r.base_url.empty() ? 11 : r.base_url.size());
              auth_w = std::max(auth_w, r.auth.size());
            }
            auto pad = [](std::string text, std::size_t width) {
              text.resize(std::max(text.size(), width), ' ');
              return text;
            };
            for (const auto& r : rows)
              print_line((r.name == active ? "* " : "  ") + pad(r.name, name_w) + "  " +
                         pad(r.base_url.empty() ? "(your URL)" : r.base_url, url_w) + "  " +
                         pad(r.auth, auth_w) + "  " + r.description +
                         (r.origin == "built-in" ? "" : " [" + r.origin + "]"));
            return static_cast<int>(k_exit_ok);
          }};
}

} // namespace sora::cli
