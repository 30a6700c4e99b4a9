// `sora config show`: every effective setting and where it came from.
#include "commands/commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>

namespace sora::cli {

Command register_config(CLI::App& app, AppContext& ctx) {
  auto action = std::make_shared<std::string>("show");
  auto* sub = app.add_subcommand("config", "Show the effective settings and where each came from");
  sub->add_option("action", *action, "What to do: show (the default)")
      ->check(CLI::IsMember({"show"}))
      ->capture_default_str();
  sub->footer("Sources, strongest first: flag, env VAR, config FILE [profiles.NAME], built-in\n"
              "profile NAME, default. The API key is only reported as present, never shown.\n"
              "Example: sora --profile openrouter config show");
  return {sub, [action, &ctx] { // `action` must outlive parsing: CLI11 writes into it
            auto settings = ctx.settings();
            if (!settings) return ctx.fail(settings.error());
            const auto& rows = (*settings)->rows;
            if (ctx.options.json) {
              auto doc = nlohmann::ordered_json::object();
              for (const auto& r : rows)
                doc[r.key] = {{"value", r.value}, {"source", r.source}};
              print_line(doc.dump());
              return static_cast<int>(k_exit_ok);
            }
            std::size_t key_w = 0, value_w = 0;
            for (const auto& r : rows) {
              key_w = std::max(key_w, r.key.size());
              value_w = std::max(value_w, r.value.size());
            }
            for (const auto& r : rows) {
              std::string line = r.key;
              line.resize(key_w + 2, ' ');
              std::string value = r.value;
              if (!r.source.empty()) value.resize(std::max(value.size(), value_w) + 2, ' ');
              line += value;
              if (!r.source.empty()) line += "(" + r.source + ")";
              print_line(line);
            }
            return static_cast<int>(k_exit_ok);
          }};
}

} // namespace sora::cli
