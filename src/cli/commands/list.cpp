// `sora list`: the account's videos, newest first.
#include "commands/commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>

#include <memory>

namespace sora::cli {
namespace {

struct ListOptions {
  int limit = 0;
  std::string after;
  std::string order;
  bool all = false;
};

int run_list(const ListOptions& o, AppContext& ctx) {
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  ListQuery query;
  if (o.limit > 0) query.limit = o.limit;
  if (!o.after.empty()) query.after = o.after;
  if (!o.order.empty()) query.order = o.order;
  std::vector<Video> videos;
  bool more = false;
  if (o.all) {
    // Stream pages as they arrive in JSON mode; the table needs every row to align columns.
    auto all = (*client)->list_all(query, [&](const VideoList& page) {
      if (ctx.options.json)
        for (const auto& v : page.data)
          print_line(video_json(v));
    });
    if (!all) return ctx.fail(all.error());
    videos = std::move(*all);
    if (ctx.options.json) return k_exit_ok;
  } else {
    auto page = (*client)->list(query);
    if (!page) return ctx.fail(page.error());
    videos = std::move(page->data);
    more = page->has_more;
  }
  if (ctx.options.json) {
    for (const auto& v : videos)
      print_line(video_json(v));
  } else {
    for (const auto& line : video_table(videos))
      print_line(line);
  }
  if (more && !videos.empty())
    ctx.note("More videos: sora list --after " + videos.back().id + " (or --all)");
  return k_exit_ok;
}

} // namespace

Command register_list(CLI::App& app, AppContext& ctx) {
  auto options = std::make_shared<ListOptions>();
  auto* sub = app.add_subcommand("list", "List videos, newest first");
  sub->add_option("--limit", options->limit, "At most N videos per page (1-100)")
      ->type_name("N")
      ->check(CLI::Range(1, 100));
  sub->add_option("--after", options->after, "Start after this video id")->type_name("ID");
  sub->add_option("--order", options->order, "asc or desc (by creation time)")
      ->check(CLI::IsMember({"asc", "desc"}));
  sub->add_flag("--all", options->all, "Follow every page");
  sub->footer("One line per video; with --json, one video object per line.");
  return {sub, [options, &ctx] { return run_list(*options, ctx); }};
}

} // namespace sora::cli
