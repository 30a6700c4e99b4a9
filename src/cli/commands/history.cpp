// `sora history`: the jobs sora has started, from the local journal.
#include "commands/commands.hpp"
#include "commands/cost_guard.hpp"
#include "commands/spend.hpp"
#include "exit_codes.hpp"
#include "job_observer.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>

namespace sora::cli {
namespace {

// Creates whose answer never came (Ctrl-C, a crash): shown plainly, never hidden. `whole` says
// the journal was read to its start (it holds fewer jobs than asked for): otherwise only the
// damaged lines newer than the oldest job shown are known.
void print_unresolved(const AppContext& ctx, const JournalContents& contents, bool whole) {
  for (const auto& intent : contents.unresolved) {
    if (ctx.options.json) {
      nlohmann::ordered_json j{
          {"record", "intent"},        {"time", intent.time},
          {"command", intent.command}, {"idempotency_key", intent.idempotency_key},
          {"prompt", intent.prompt},   {"output", intent.output}};
      print_line(j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    } else {
      print_line("?   " + iso_time(intent.time) + "  " + describe_intent(intent));
    }
  }
  if (!contents.unresolved.empty())
    ctx.note("A job marked ? may exist on the server without its id here: sora status @last "
             "looks it up (or rerun the same command: it is found before anything is paid twice).");
  if (!contents.damaged_lines.empty())
    ctx.warn("The journal has " + std::to_string(contents.damaged_lines.size()) +
             " unreadable line(s) " +
             (whole ? "" : "newer than @" + std::to_string(contents.jobs.size()) + " ") +
             "(first: line " + std::to_string(contents.damaged_lines[0]) +
             "); they are left out above.");
}

} // namespace

Command register_history(CLI::App& app, AppContext& ctx) {
  auto count = std::make_shared<int>(20);
  auto with_cost = std::make_shared<bool>(false);
  auto* sub = app.add_subcommand("history", "List the jobs sora has started (the local journal)");
  sub->add_option("-n,--count,--limit", *count, "Show the last N jobs")
      ->type_name("N")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  sub->add_flag("--cost", *with_cost,
                "Show each job's estimate (local price table) and the cost the server reported");
  sub->footer("Newest last. @1 (or @last) is the newest job, @2 the one before; any command that\n"
              "takes a video id takes these too. The journal is $XDG_STATE_HOME/sora/jobs.jsonl\n"
              "(default ~/.local/state/sora/jobs.jsonl); --no-journal turns recording off.");
  return {sub, [count, with_cost, &ctx] {
            auto journal = ctx.journal();
            // Only the newest jobs are read (from the end of the journal): flat in its size.
            auto contents = journal.load_newest(static_cast<std::size_t>(*count));
            if (!contents) return ctx.fail(contents.error());
            const auto* entries = &contents->jobs;
            std::optional<PriceTable> prices;
            if (*with_cost) {
              auto loaded = load_prices(ctx, "");
              if (!loaded) return ctx.fail(loaded.error());
              prices = std::move(*loaded);
            }
            std::size_t total = entries->size();
            for (std::size_t i = 0; i < total; ++i) {
              const auto& e = (*entries)[i];
              if (ctx.options.json) {
                print_line(e.raw_json);
                continue;
              }
              std::string line = "@" + std::to_string(total - i) + "  " + iso_time(e.time) + "  " +
                                 e.id + "  " + e.command + "  " + e.host;
              for (const auto* field : {&e.model, &e.size})
                if (!field->empty()) line += "  " + *field;
              if (!e.seconds.empty()) line += "  " + e.seconds + "s";
              line += "  \"" + e.prompt + "\"";
              if (!e.output.empty()) line += "  -> " + e.output;
              if (prices) line += "  " + cost_columns(*prices, e);
              print_line(line);
            }
            print_unresolved(ctx, *contents, total < static_cast<std::size_t>(*count));
            if (total == 0 && contents->unresolved.empty())
              ctx.note("No jobs recorded yet in " + journal.path().string() + ".");
            return static_cast<int>(k_exit_ok);
          }};
}

} // namespace sora::cli
