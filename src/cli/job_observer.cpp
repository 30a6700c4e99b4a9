// The CLI's observer of the job pipeline, the words for a job's outcome, and intent resolution.
#include "job_observer.hpp"

#include "output.hpp"

#include <sora/journal.hpp>

namespace sora::cli {

std::string shell_quote(const std::string& word) {
  if (!word.empty() &&
      word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                             "@%+=:,./_-") == std::string::npos)
    return word;
  std::string out = "'";
  for (char c : word)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string journal_host(const std::string& base_url) {
  auto start = base_url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  return base_url.substr(start, base_url.find('/', start) - start);
}

namespace {

std::string prompt_of(const JobSpec& spec) {
  return spec.kind == JobKind::create ? spec.create.prompt : spec.prompt;
}

std::string output_of(const JobSpec& spec) {
  return spec.output ? spec.output->string() : std::string();
}

} // namespace

CliJobObserver::CliJobObserver(AppContext& ctx, const Client& client, std::string command)
    : m_ctx(ctx), m_host(journal_host(client.config().base_url)), m_command(std::move(command)),
      m_progress(ctx.show_progress()) {}

namespace {

Result<void> record_intent(const AppContext& ctx, const std::string& host,
                           const std::string& command, const JobEvent& e) {
  JournalIntent intent;
  intent.label = e.spec->label;
  intent.idempotency_key = e.idempotency_key;
  intent.fingerprint = e.fingerprint;
  intent.command = command;
  intent.host = host;
  intent.prompt = prompt_of(*e.spec);
  intent.output = output_of(*e.spec);
  auto ok = ctx.journal().append_intent(intent);
  if (!ok)
    return unexpected(ErrorCode::io, ok.error().message + " Nothing was sent.",
                      "sora records a job before paying for it; make the journal's folder "
                      "writable, or pass --no-journal to go without the record.");
  return {};
}

void record_job(const AppContext& ctx, const std::string& host, const std::string& command,
                const JobEvent& e) {
  JournalEntry entry;
  entry.id = e.video_id;
  entry.command = command;
  entry.host = host;
  if (e.video) {
    entry.model = e.video->model;
    entry.size = e.video->size;
    entry.seconds = e.video->seconds;
  }
  // Servers that do not echo the request (OpenRouter) are journaled with what was asked for.
  const CreateRequest& asked = e.spec->create;
  if (e.spec->kind == JobKind::create) {
    if (entry.model.empty() && asked.model) entry.model = *asked.model;
    if (entry.size.empty() && asked.size) entry.size = *asked.size;
    if (entry.seconds.empty() && asked.seconds) entry.seconds = *asked.seconds;
  }
  entry.profile = ctx.profile_name();
  entry.prompt = prompt_of(*e.spec);
  entry.output = output_of(*e.spec);
  entry.idempotency_key = e.idempotency_key;
  entry.fingerprint = e.fingerprint;
  entry.estimate_usd = e.spec->estimate_usd;
  if (auto ok = ctx.journal().append(entry); !ok)
    ctx.warn(ok.error().message + " (the video id is " + e.video_id + ")");
}

} // namespace

void record_reported_cost(const AppContext& ctx, const Video& video) {
  if (!video.cost || ctx.options.no_journal) return;
  JournalEntry cost; // the server's cost, next to the job (read() folds it into the job)
  cost.id = video.id;
  cost.command = "cost";
  cost.cost_usd = video.cost;
  if (auto ok = ctx.journal().append(cost); !ok) ctx.warn(ok.error().message);
}

Result<void> journal_event(const AppContext& ctx, const std::string& host,
                           const std::string& command, const JobEvent& event) {
  if (ctx.options.no_journal) return {};
  if (event.stage == JobStage::intent) return record_intent(ctx, host, command, event);
  if (event.stage == JobStage::submitted) record_job(ctx, host, command, event);
  if (event.stage == JobStage::completed && event.video) record_reported_cost(ctx, *event.video);
  return {};
}

Result<void> CliJobObserver::on_event(const JobEvent& e) {
  switch (e.stage) {
  case JobStage::intent:
    return journal_event(m_ctx, m_host, m_command, e);
  case JobStage::submitted:
    m_progress.finish(); // ends the upload line
    (void)journal_event(m_ctx, m_host, m_command, e);
    if (e.spec->wait || e.spec->output) {
      const Video& v = *e.video;
      m_ctx.note("Created " + v.id + (v.model.empty() ? "" : " (" + v.model) +
                 (v.size.empty() ? "" : ", " + v.size) +
                 (v.seconds.empty() ? "" : ", " + v.seconds + "s") + (v.model.empty() ? "" : ")") +
                 "; waiting for it to finish");
    }
    return {};
  case JobStage::uploading:
    if (e.spec->create.image) m_progress.upload(*e.transfer, e.spec->label);
    return {};
  case JobStage::polled: {
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - m_started);
    m_progress.job(JobProgress{*e.video, ++m_polls, elapsed, {}});
    return {};
  }
  case JobStage::completed:
    m_progress.finish();
    return journal_event(m_ctx, m_host, m_command, e); // the cost the server reported, if any
  case JobStage::downloading:
    m_progress.download(*e.transfer, e.spec->output->filename().string());
    return {};
  case JobStage::saved:
  case JobStage::failed:
    m_progress.finish();
    return {};
  }
  return {};
}

std::string finishing_command(const JobOutcome& outcome, const std::string& output) {
  if (outcome.video_id.empty() || !outcome.error) return {};
  ErrorCode code = outcome.error->code;
  if (code == ErrorCode::job_failed || code == ErrorCode::moderation ||
      code == ErrorCode::cancelled)
    return {};
  std::string id = shell_quote(outcome.video_id);
  bool completed = outcome.video && outcome.video->status == VideoStatus::completed;
  if (completed && !output.empty()) return "sora download " + id + " -o " + shell_quote(output);
  if (!output.empty()) return "sora wait " + id + " -o " + shell_quote(output);
  return "sora wait " + id;
}

std::string describe_intent(const JournalIntent& intent) {
  std::string text = "may have been created: \"" + intent.prompt + "\" (" + intent.command;
  if (!intent.label.empty() && intent.command == "batch") text += " " + intent.label;
  text += ", " + iso_time(intent.time) + ", Idempotency-Key " + intent.idempotency_key + ")";
  if (!intent.output.empty()) text += " -> " + intent.output;
  return text;
}

namespace {

// Records a job an interrupted run created, closing its intent.
void record_found(AppContext& ctx, const JournalIntent& intent, const Video& video) {
  JournalEntry entry;
  entry.id = video.id;
  entry.command = intent.command;
  entry.host = intent.host;
  entry.model = video.model;
  entry.size = video.size;
  entry.seconds = video.seconds;
  entry.prompt = intent.prompt;
  entry.output = intent.output;
  entry.idempotency_key = intent.idempotency_key;
  entry.fingerprint = intent.fingerprint;
  if (auto ok = ctx.journal().append(entry); !ok) ctx.warn(ok.error().message);
}

std::string cannot_tell(const Error& why) {
  return "The server cannot tell whether it exists (" + why.message +
         "); look for it in the provider's dashboard or logs by its time and prompt.";
}

} // namespace

// How many of the newest intent records a request is looked up in before it is sent: read from
// the end of the journal, so every create costs the same however long the journal grows (reading
// the whole of a 240,000-job journal took seconds per create). An interrupted request is found
// again as long as fewer than this many requests were sent after it.
constexpr std::size_t k_rerun_window = 10000;

EarlierAttempt resolve_earlier_attempt(AppContext& ctx, Client& client, const JobSpec& spec,
                                       const std::string& fingerprint) {
  if (ctx.options.no_journal || fingerprint.empty()) return {};
  auto unresolved = ctx.journal().recent_unresolved(k_rerun_window);
  if (!unresolved) return {};
  const JournalIntent* earlier = nullptr;
  FingerprintMatch same_request(spec, fingerprint);
  for (const auto& intent : *unresolved)
    if (same_request(intent.fingerprint, intent.prompt)) earlier = &intent; // the newest one
  if (!earlier) return {};
  auto found = find_created_job(client, earlier->prompt, earlier->time);
  if (found && *found) {
    record_found(ctx, *earlier, **found);
    ctx.note("An interrupted earlier run of this request created " + (*found)->id +
             "; following it instead of paying for another.");
    return {**found, earlier->idempotency_key};
  }
  if (found) {
    (void)ctx.journal().settle_intent(earlier->idempotency_key, "not_created");
  } else {
    ctx.warn("An interrupted earlier run of this request " + describe_intent(*earlier) + ". " +
             cannot_tell(found.error()) +
             " Sending it again with the same Idempotency-Key: a server that honours the key "
             "answers with that job instead of starting another.");
  }
  return {std::nullopt, earlier->idempotency_key};
}

void resolve_pending_intents(AppContext& ctx, Client& client) {
  if (ctx.options.no_journal) return;
  auto unresolved = ctx.journal().recent_unresolved(); // the newest intents: flat in its size
  if (!unresolved) return;
  for (const auto& intent : *unresolved) {
    auto found = find_created_job(client, intent.prompt, intent.time);
    if (found && *found) {
      record_found(ctx, intent, **found);
      ctx.note("Found the job an interrupted " + intent.command + " created: " + (*found)->id +
               " (recorded in the journal).");
    } else if (found) {
      (void)ctx.journal().settle_intent(intent.idempotency_key, "not_created");
    } else {
      ctx.warn("A job " + describe_intent(intent) + ". " + cannot_tell(found.error()));
    }
  }
}

} // namespace sora::cli
