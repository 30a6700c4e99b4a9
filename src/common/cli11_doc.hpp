// Reading a CLI11 command tree (commands, options, values) and writing it as a man page (roff).
// Header-only so sora and sora-mock share it without sora-mock linking sora_core.
#pragma once

#include <CLI/CLI.hpp>

#include <cctype>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cli_doc {

/// The named, visible subcommands of `app`, in definition order (option groups are not commands).
inline std::vector<const CLI::App*> subcommands(const CLI::App& app) {
  return app.get_subcommands(
      [](const CLI::App* sub) { return !sub->get_name().empty() && !sub->get_group().empty(); });
}

/// The visible options of `app` and of its option groups (not of its subcommands).
inline std::vector<const CLI::Option*> options(const CLI::App& app) {
  auto result = app.get_options([](const CLI::Option* opt) { return !opt->get_group().empty(); });
  for (const CLI::App* group : app.get_subcommands([](const CLI::App* sub) {
         return sub->get_name().empty() && !sub->get_group().empty();
       })) {
    for (const CLI::Option* opt : options(*group))
      if (opt != group->get_help_ptr()) result.push_back(opt); // groups copy the parent's -h
  }
  return result;
}

/// True for a flag (an option that takes no value).
inline bool is_flag(const CLI::Option& opt) {
  return opt.get_items_expected_max() == 0;
}

/// The type name an option was given ("PATH"), without CLI11's appended validator descriptions.
inline std::string type_name(const CLI::Option& opt) {
  std::string full = opt.get_type_name();
  return full.substr(0, full.find(':'));
}

/// The values an `IsMember` validator accepts (CLI11 describes them as "{a,b,c}"), or none.
inline std::vector<std::string> choices(const CLI::Option& opt) {
  std::string full = opt.get_type_name();
  auto open = full.find(":{");
  if (open == std::string::npos) return {};
  auto close = full.find('}', open);
  if (close == std::string::npos) return {};
  std::vector<std::string> values;
  std::stringstream list(full.substr(open + 2, close - open - 2));
  for (std::string value; std::getline(list, value, ',');)
    if (!value.empty()) values.push_back(value);
  return values;
}

/// True when the option's value is a file name (its type name is PATH or FILE).
inline bool takes_path(const CLI::Option& opt) {
  auto type = type_name(opt);
  return type == "PATH" || type == "FILE";
}

/// "-o", "--output": every name of a non-positional option.
inline std::vector<std::string> names(const CLI::Option& opt) {
  std::vector<std::string> result;
  for (const auto& s : opt.get_snames())
    result.push_back("-" + s);
  for (const auto& l : opt.get_lnames())
    result.push_back("--" + l);
  return result;
}

/// The placeholder for a value or positional: its type name, or its name in capitals.
inline std::string placeholder(const CLI::Option& opt) {
  auto type = type_name(opt);
  auto values = choices(opt);
  if (type == "TEXT" && !values.empty()) { // CLI11's default name says less than the values
    type.clear();
    for (const auto& v : values)
      type += (type.empty() ? "" : "|") + v;
  }
  if (type.empty()) {
    type = opt.nonpositional() ? "VALUE" : opt.get_name(true);
    for (auto& c : type)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return type;
}

/// The first part of a description: "sora: does X" becomes "does X".
inline std::string summary(const CLI::App& app) {
  std::string text = app.get_description();
  std::string prefix = app.get_name() + ": ";
  if (text.rfind(prefix, 0) == 0) text = text.substr(prefix.size());
  while (!text.empty() && (text.back() == '.' || text.back() == '\n'))
    text.pop_back();
  return text;
}

/// Plain text made safe for roff: backslashes, hyphens (kept as ASCII minus signs for copying),
/// and control characters at the start of a line.
inline std::string escape(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
    line_start = c == '\n';
  }
  return out;
}

/// Lines of text as roff lines that keep their breaks.
inline std::string lines(std::string_view text) {
  std::string out;
  std::string_view rest = text;
  bool first = true;
  while (!rest.empty()) {
    auto end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (line.empty()) continue;
    if (!first) out += ".br\n";
    out += escape(line) + "\n";
    first = false;
  }
  return out;
}

/// One option as a roff tagged paragraph: names and value in the tag, description, default,
/// accepted values and environment variable in the body.
inline std::string option_entry(const CLI::Option& opt) {
  std::string tag;
  if (opt.nonpositional()) {
    for (const auto& name : names(opt)) {
      if (!tag.empty()) tag += ", ";
      tag += "\\fB" + escape(name) + "\\fR";
    }
    if (!is_flag(opt)) tag += " \\fI" + escape(placeholder(opt)) + "\\fR";
  } else {
    tag = "\\fI" + escape(placeholder(opt)) + "\\fR";
  }
  std::string body = opt.get_description();
  if (auto values = choices(opt); !values.empty() && type_name(opt) != "TEXT") {
    body += " (one of:";
    for (const auto& v : values)
      body += " " + v;
    body += ")";
  }
  if (!opt.get_default_str().empty() && !is_flag(opt))
    body += " [default: " + opt.get_default_str() + "]";
  if (!opt.get_envname().empty()) body += " [env: " + opt.get_envname() + "]";
  if (opt.get_required() && opt.nonpositional()) body += " [required]";
  return ".TP\n" + tag + "\n" + escape(body) + "\n";
}

/// "sora download [OPTIONS] ID" as roff.
inline std::string usage(const CLI::App& app, const std::string& path) {
  std::string out = "\\fB" + escape(path) + "\\fR";
  bool has_options = false;
  for (const CLI::Option* opt : options(app))
    has_options |= opt->nonpositional();
  if (has_options) out += " [\\fIOPTIONS\\fR]";
  for (const CLI::Option* opt : options(app)) {
    if (opt->nonpositional()) continue;
    std::string arg = "\\fI" + escape(placeholder(*opt)) + "\\fR";
    out += " " + (opt->get_required() ? arg : "[" + arg + "]");
  }
  if (!subcommands(app).empty()) out += " \\fICOMMAND\\fR [\\fICOMMAND OPTIONS\\fR]";
  return out;
}

/// A section after OPTIONS, its body already roff.
struct Section {
  std::string title;
  std::string roff;
};

/// Everything a man page needs beyond the command tree.
struct ManPage {
  std::string source;                   ///< e.g. "sora 0.1.0"
  std::string manual = "User Commands"; ///< the centre header
  std::vector<std::string> description; ///< paragraphs after the app's own description
  std::vector<Section> sections;        ///< after OPTIONS, e.g. EXIT STATUS, ENVIRONMENT
};

/// Tagged paragraphs from (tag, text) pairs; tags are set in bold.
inline std::string definition_list(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string out;
  for (const auto& [tag, text] : items)
    out += ".TP\n\\fB" + escape(tag) + "\\fR\n" + escape(text) + "\n";
  return out;
}

/// The man page (section 1) of `app`: NAME, SYNOPSIS, DESCRIPTION, COMMANDS (each with its
/// options and footer), OPTIONS, then the extra sections.
inline std::string render(const CLI::App& app, const ManPage& page) {
  std::string name = app.get_name();
  std::string upper = name;
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string out;
  out += ".\\\" Generated from the command definitions by '" + name +
         " --generate-man'; do not edit.\n";
  out += ".TH " + escape(upper) + " 1 \"\" \"" + escape(page.source) + "\" \"" +
         escape(page.manual) + "\"\n.nh\n.ad l\n"; // no hyphenation, ragged right
  out += ".SH NAME\n" + escape(name) + " \\- " + escape(summary(app)) + "\n";
  out += ".SH SYNOPSIS\n" + usage(app, name) + "\n";
  std::string lead = summary(app);
  if (!lead.empty()) lead[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(lead[0])));
  out += ".SH DESCRIPTION\n" + escape(lead) + ".\n";
  for (const auto& paragraph : page.description)
    out += ".PP\n" + escape(paragraph) + "\n";

  if (auto commands = subcommands(app); !commands.empty()) {
    out += ".SH COMMANDS\n";
    for (const CLI::App* sub : commands) {
      out += ".SS " + escape(sub->get_name()) + "\n";
      out += usage(*sub, name + " " + sub->get_name()) + "\n";
      out += ".PP\n" + escape(summary(*sub)) + ".\n";
      auto subopts = options(*sub);
      bool any = false;
      for (const CLI::Option* opt : subopts) {
        if (opt == sub->get_help_ptr()) continue;
        if (!any) out += ".RS\n";
        any = true;
        out += option_entry(*opt);
      }
      if (any) out += ".RE\n";
      std::string footer = sub->get_footer();
      if (footer.find_first_not_of(" \n") != std::string::npos) out += ".PP\n" + lines(footer);
    }
  }

  out += ".SH OPTIONS\n";
  for (const CLI::Option* opt : options(app))
    out += option_entry(*opt);

  for (const auto& section : page.sections)
    out += ".SH " + escape(section.title) + "\n" + section.roff;
  return out;
}

} // namespace cli_doc
