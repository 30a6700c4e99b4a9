// sora(1): the command tree from CLI11 plus the sections --help prints as a footer.
#include "manpage.hpp"

#include "exit_codes.hpp"

#include <sora/client.hpp>

#include <CLI/CLI.hpp>
#include <cli11_doc.hpp>

#include <cstdio>
#include <sstream>
#include <utility>
#include <vector>

namespace sora::cli {
namespace {

// "  0    success" lines of k_exit_code_help, so the page and --help share one table.
std::vector<std::pair<std::string, std::string>> exit_codes() {
  std::vector<std::pair<std::string, std::string>> rows;
  std::istringstream in(k_exit_code_help);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string code;
    if (!(fields >> code) || code.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string text;
    std::getline(fields >> std::ws, text);
    rows.emplace_back(code, text);
  }
  return rows;
}

const std::vector<std::pair<std::string, std::string>> k_environment = {
    {"SORA_API_KEY", "The API key, sent as a bearer token. Prefer --api-key-file on shared "
                     "machines, where the environment of a process may be visible."},
    {"OPENAI_API_KEY", "The API key when SORA_API_KEY is not set."},
    {"SORA_BASE_URL", "The API base URL when --base-url is not given (default "
                      "https://api.openai.com/v1)."},
    {"OPENAI_BASE_URL", "The API base URL when neither --base-url nor SORA_BASE_URL is set."},
    {"XDG_STATE_HOME", "Where the job journal lives (default ~/.local/state)."},
    {"NO_COLOR", "sora writes no colour of its own; only the level names of the -v log are "
                 "coloured when stderr is a terminal, and NO_COLOR does not yet turn that off."},
};

} // namespace

std::string man_page(const CLI::App& app) {
  cli_doc::ManPage page;
  page.source = "sora " + std::string(sora::version());
  page.description = {
      "Each command makes one request (or follows one job) and prints its result on stdout; "
      "progress and errors go to stderr. With --json every result is one JSON document.",
      "The global options under OPTIONS are accepted before or after the command.",
      "Every started job is recorded at once in the job journal, so an id is never lost: "
      "'sora history' lists it, and @last or @N stand for a recorded id wherever one is "
      "expected."};
  page.sections.push_back({"EXIT STATUS", cli_doc::definition_list(exit_codes())});
  page.sections.push_back({"ENVIRONMENT", cli_doc::definition_list(k_environment)});
  page.sections.push_back(
      {"FILES", cli_doc::definition_list({{"$XDG_STATE_HOME/sora/jobs.jsonl",
                                           "The job journal: one JSON object per started job "
                                           "(~/.local/state/sora/jobs.jsonl by default)."}})});
  page.sections.push_back(
      {"EXAMPLES",
       ".nf\n" +
           cli_doc::escape("sora create --image photo.jpg --prompt \"slow dolly in\" -o clip.mp4\n"
                           "sora create --prompt \"a paper boat\"    # prints the id\n"
                           "sora wait @last && sora download @last\n"
                           "sora list --all --json\n") +
           ".fi\n"});
  page.sections.push_back({"SEE ALSO", "\\fBsora\\-mock\\fR(1)\n"});
  return cli_doc::render(app, page);
}

void add_man_page_option(CLI::App& app) {
  app.add_flag_callback(
         "--generate-man",
         [&app] {
           std::string page = man_page(app);
           std::fwrite(page.data(), 1, page.size(), stdout);
           throw CLI::Success();
         },
         "Print the man page (roff) and exit")
      ->group(""); // hidden from --help, the page and completions
}

} // namespace sora::cli
