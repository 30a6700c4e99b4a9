// Batch runs: manifest loading and validation (the state file is in batch_state.cpp, the worker
// pool in batch_run.cpp).
#include "api/portable_options.hpp"

#include <sora/batch.hpp>
#include <sora/fit.hpp>
#include <sora/image.hpp>
#include <sora/prompt.hpp>
#include <sora/validate.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

namespace sora {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

using Row = std::map<std::string, std::string>; // field -> value, as written in the manifest

const std::set<std::string> k_fields{"prompt",   "prompt_file", "image",     "model",
                                     "seconds",  "size",        "output",    "id",
                                     "remix_of", "fit",         "pad_color", "callback_url"};

bool is_portable_field(const std::string& key) {
  const auto& names = detail::portable_manifest_fields();
  return std::find(names.begin(), names.end(), key) != names.end();
}

// One CSV record (RFC 4180: quotes, doubled quotes, commas and newlines inside quotes).
bool read_csv_record(std::istream& in, std::vector<std::string>& cells, std::size_t& line) {
  cells.clear();
  std::string cell;
  bool quoted = false, any = false;
  char c;
  while (in.get(c)) {
    any = true;
    if (quoted) {
      if (c == '"') {
        if (in.peek() == '"') {
          cell += '"';
          in.get();
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n') {
      ++line;
      break;
    } else if (c != '\r') {
      cell += c;
    }
  }
  if (!any) return false;
  cells.push_back(std::move(cell));
  return true;
}

struct RawLine {
  std::size_t line;
  Row row;
  std::string error;
};

std::vector<RawLine> read_rows(const fs::path& manifest, std::string& fatal) {
  std::vector<RawLine> rows;
  std::ifstream in(manifest, std::ios::binary);
  if (!in) {
    fatal = "Cannot read the manifest " + manifest.string() + ": " + std::strerror(errno) + ".";
    return rows;
  }
  std::string ext = manifest.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  if (ext == ".csv") {
    std::vector<std::string> header;
    std::size_t line = 1;
    if (!read_csv_record(in, header, line)) {
      fatal = "The manifest " + manifest.string() + " is empty.";
      return rows;
    }
    for (auto& h : header) {
      h.erase(0, h.find_first_not_of(" \t\xEF\xBB\xBF")); // BOM and spaces
      h.erase(h.find_last_not_of(" \t") + 1);
    }
    std::vector<std::string> cells;
    while (true) {
      std::size_t start = line;
      if (!read_csv_record(in, cells, line)) break;
      if (cells.size() == 1 && cells[0].empty()) continue; // blank line
      RawLine raw{start, {}, {}};
      if (cells.size() != header.size())
        raw.error = "has " + std::to_string(cells.size()) + " cells but the header has " +
                    std::to_string(header.size());
      for (std::size_t i = 0; i < std::min(cells.size(), header.size()); ++i)
        if (!cells[i].empty()) raw.row[header[i]] = cells[i];
      rows.push_back(std::move(raw));
    }
    return rows;
  }
  std::string text;
  std::size_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    auto first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos || text[first] == '#') continue;
    RawLine raw{line, {}, {}};
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      raw.error = "is not a JSON object";
    } else {
      for (const auto& [key, value] : j.items()) {
        if (value.is_null()) continue;
        if (value.is_string())
          raw.row[key] = value.get<std::string>();
        else if (value.is_number_integer())
          raw.row[key] = std::to_string(value.get<std::int64_t>());
        else if (value.is_boolean()) // generate_audio
          raw.row[key] = value.get<bool>() ? "true" : "false";
        else
          raw.error = "field '" + key + "' must be a string";
      }
    }
    rows.push_back(std::move(raw));
  }
  return rows;
}

std::string field(const Row& row, const char* name) {
  auto it = row.find(name);
  return it == row.end() ? std::string() : it->second;
}

// The prompt parts (shot, action, …) are fields too.
bool is_prompt_section(const std::string& key) {
  const auto& sections = prompt_sections();
  return std::any_of(sections.begin(), sections.end(),
                     [&](const PromptSection& s) { return s.name == key; });
}

fs::path resolve(const fs::path& base, const std::string& path) {
  fs::path p(path);
  return p.is_absolute() ? p : base / p;
}

using Problem = std::function<void(const std::string&)>;

// The line's prompt: prompt or prompt_file (with sections), then the part fields over them.
// `audio`: set when the prompt has an audio part (it asks for an audio track, see CreateRequest).
std::string manifest_prompt(const Row& row, const fs::path& base, const Problem& problem,
                            bool& audio) {
  PromptParts parts, fields;
  parts.free = field(row, "prompt");
  std::string prompt_file = field(row, "prompt_file");
  if (!parts.free.empty() && !prompt_file.empty()) problem("give prompt or prompt_file, not both");
  if (!prompt_file.empty()) {
    std::ifstream in(resolve(base, prompt_file), std::ios::binary);
    if (!in) problem("cannot read prompt_file " + resolve(base, prompt_file).string());
    std::string text(std::istreambuf_iterator<char>(in), {});
    // Sections as in `sora create --prompt-file`; the part fields win over them.
    if (auto read = parse_prompt_file(text, prompt_file); read)
      parts = std::move(*read);
    else
      problem(read.error().message + " " + read.error().hint);
  }
  for (const auto& section : prompt_sections())
    fields.*section.member = field(row, std::string(section.name).c_str());
  auto merged = merge_prompt_parts(std::move(parts), fields);
  audio = merged.audio.find_first_not_of(" \t\r\n") != std::string::npos;
  return compose(merged);
}

// The line's fit and pad_color (nullopt without fit).
std::optional<FitOptions> manifest_fit(const Row& row, const Problem& problem) {
  std::optional<FitOptions> fit_options;
  std::string fit = field(row, "fit"), pad_color = field(row, "pad_color");
  if (!fit.empty()) {
    fit_options.emplace();
    if (auto mode = parse_fit_mode(fit); !mode)
      problem("fit: " + mode.error().message + " " + mode.error().hint);
    else
      fit_options->mode = *mode;
    if (!pad_color.empty()) {
      if (auto color = parse_color(pad_color); !color)
        problem("pad_color: " + color.error().message + " " + color.error().hint);
      else
        fit_options->pad = *color;
    }
  } else if (!pad_color.empty()) {
    problem("pad_color needs fit (e.g. \"fit\": \"contain\")");
  }
  return fit_options;
}

// The image (measured, not decoded), then the request checked as `sora create` checks it.
void check_request(BatchJob& job, const Row& row, const fs::path& base, bool openai_checks,
                   const Problem& problem) {
  std::optional<ImageInfo> image;
  if (auto i = field(row, "image"); !i.empty()) {
    job.request.image = resolve(base, i);
    // A fitted image is measured as displayed (EXIF orientation applied).
    auto info =
        job.fit ? probe_displayed_image(*job.request.image) : probe_image(*job.request.image);
    if (!info)
      problem(info.error().message);
    else
      image = *info;
  }
  auto full = [](const Error& e) { return e.message + (e.hint.empty() ? "" : " " + e.hint); };
  // HEIC and AVIF without fit are converted (not resized), as `sora create` does.
  if (!job.fit && !job.remix_of && image && needs_conversion(image->type)) {
    auto shown = probe_displayed_image(*job.request.image);
    if (!shown) return problem(shown.error().message);
    job.fit = conversion_fit(*shown);
    image = ImageInfo{ImageType::jpeg, shown->width, shown->height};
    if (auto ok = validate_create(job.request, image, openai_checks, nullptr); !ok)
      problem(full(ok.error()));
    return;
  }
  if (job.remix_of) {
    if (job.request.image || job.request.model || job.request.size || job.request.seconds ||
        job.fit)
      problem("a remix takes only a prompt; model, size, seconds and image come from the "
              "original");
    if (auto ok = validate_prompt(job.request.prompt); !ok) problem(ok.error().message);
  } else if (job.fit && !job.request.image) {
    problem("fit resizes the image, but the line has no image");
  } else if (job.fit) {
    if (image)
      if (auto ok = plan_fit(job.request, *image, *job.fit); !ok) problem(full(ok.error()));
  } else if (auto ok = validate_create(job.request, image, openai_checks, nullptr); !ok) {
    problem(full(ok.error()));
  }
}

// remix_of may name another job of the manifest; it must not loop.
void check_remix_loops(const std::vector<BatchJob>& jobs,
                       const std::map<std::string, std::size_t>& labels,
                       std::vector<std::string>& problems) {
  // remix_of may name another job of the manifest; it must not loop.
  for (const auto& job : jobs) {
    std::set<std::string> seen{job.label};
    const BatchJob* at = &job;
    while (at->remix_of && labels.contains(*at->remix_of)) {
      if (!seen.insert(*at->remix_of).second) {
        problems.push_back("line " + std::to_string(job.line) + ": remix_of forms a loop");
        break;
      }
      at = &*std::find_if(jobs.begin(), jobs.end(),
                          [&](const BatchJob& j) { return j.label == *at->remix_of; });
    }
  }
}

} // namespace

Result<std::vector<BatchJob>> load_manifest(const fs::path& manifest, const fs::path& out_dir,
                                            bool openai_checks) {
  std::string fatal;
  auto rows = read_rows(manifest, fatal);
  if (!fatal.empty())
    return unexpected(ErrorCode::invalid_argument, fatal, "Check the manifest's path.");
  fs::path base = manifest.parent_path();
  std::vector<std::string> problems;
  std::vector<BatchJob> jobs;
  std::map<std::string, std::size_t> labels, outputs;
  for (const auto& raw : rows) {
    auto problem = [&](const std::string& what) {
      problems.push_back("line " + std::to_string(raw.line) + ": " + what);
    };
    if (!raw.error.empty()) {
      problem(raw.error);
      continue;
    }
    for (const auto& [key, value] : raw.row)
      if (!k_fields.contains(key) && !is_prompt_section(key) && !is_portable_field(key))
        problem("unknown field '" + key +
                "' (known: prompt, prompt_file, shot, action, timing, lighting, audio, keep, "
                "image, model, seconds, size, fit, pad_color, output, id, remix_of, "
                "aspect_ratio, resolution, last_frame, reference, generate_audio, seed, "
                "negative_prompt, callback_url)");
    BatchJob job;
    job.line = raw.line;
    job.label = field(raw.row, "id");
    if (job.label.empty()) job.label = "line-" + std::to_string(raw.line);
    if (job.label.find('/') != std::string::npos || job.label.starts_with("."))
      problem("id '" + job.label + "' must not contain '/' or start with '.'");
    if (auto [it, fresh] = labels.emplace(job.label, raw.line); !fresh)
      problem("id '" + job.label + "' is also used on line " + std::to_string(it->second));

    job.request.prompt = manifest_prompt(raw.row, base, problem, job.request.audio_described);
    if (auto m = field(raw.row, "model"); !m.empty()) job.request.model = m;
    if (auto s = field(raw.row, "seconds"); !s.empty()) job.request.seconds = s;
    if (auto s = field(raw.row, "size"); !s.empty()) job.request.size = s;
    if (auto r = field(raw.row, "remix_of"); !r.empty()) job.remix_of = r;
    std::vector<std::string> portable_problems;
    detail::read_portable_fields(raw.row, base, job.request, portable_problems);
    for (const auto& p : portable_problems)
      problem(p);
    job.fit = manifest_fit(raw.row, problem);
    check_request(job, raw.row, base, openai_checks, problem);
    // A per-job callback (OpenRouter's callback_url); the openai profile has none.
    if (auto url = field(raw.row, "callback_url"); !url.empty()) {
      if (openai_checks || job.remix_of)
        problem("callback_url: " + std::string(job.remix_of ? "a remix" : "the openai profile") +
                " takes no per-job callback (see docs/webhooks.md)");
      else if (!is_http_url(url) || (is_plain_http_url(url) && !is_loopback_url(url)))
        problem("callback_url '" + url.substr(0, 80) + "' is not an https:// URL");
      else
        job.request.fields.push_back({"callback_url", url, false});
    }
    std::string output = field(raw.row, "output");
    job.output =
        fs::weakly_canonical(resolve(out_dir, output.empty() ? job.label + ".mp4" : output));
    if (auto [it, fresh] = outputs.emplace(job.output.string(), raw.line); !fresh)
      problem("output " + job.output.string() + " is also written by line " +
              std::to_string(it->second));
    jobs.push_back(std::move(job));
  }
  check_remix_loops(jobs, labels, problems);
  if (jobs.empty() && problems.empty()) problems.push_back("the manifest has no jobs");
  if (!problems.empty()) {
    std::string message = "The manifest " + manifest.string() + " has " +
                          std::to_string(problems.size()) +
                          (problems.size() == 1 ? " problem:" : " problems:");
    for (std::size_t i = 0; i < problems.size() && i < 50; ++i)
      message += "\n  " + problems[i];
    if (problems.size() > 50) message += "\n  …";
    return unexpected(ErrorCode::invalid_argument, message, "Fix the manifest; nothing was sent.");
  }
  return jobs;
}

std::vector<BatchJob> select_shard(const std::vector<BatchJob>& jobs, int k, int n) {
  std::vector<BatchJob> out;
  for (std::size_t i = 0; i < jobs.size(); ++i)
    if (n <= 1 || static_cast<int>(i % static_cast<std::size_t>(n)) == k - 1)
      out.push_back(jobs[i]);
  return out;
}

} // namespace sora
