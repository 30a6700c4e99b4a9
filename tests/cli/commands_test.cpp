// Commands run in process over the fake transport: what they print, what they send, their exit
// codes, and the CLI's words for the core's neutral errors.
#include "app_context.hpp"
#include "cli_fixture.hpp"
#include "exit_codes.hpp"
#include "hints.hpp"
#include "jobs/fingerprint.hpp"
#include "output.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <condition_variable>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace sora::test {
namespace {

using json = nlohmann::json;

// The keys of OpenAI's video object that every video document has at its top level.
const std::vector<std::string> k_video_keys = {
    "id",           "object",     "created_at",
    "status",       "model",      "progress",
    "seconds",      "size",       "remixed_from_video_id",
    "completed_at", "expires_at", "prompt",
    "error",        "server"};

const std::set<std::string> k_statuses = {"queued", "in_progress", "completed",
                                          "failed", "cancelled",   "expired"};

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> docs;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    docs.push_back(json::parse(text.substr(start, end - start)));
    start = end + 1;
  }
  return docs;
}

void expect_video_document(const json& doc) {
  for (const auto& key : k_video_keys)
    EXPECT_TRUE(doc.contains(key)) << "missing " << key << " in " << doc.dump();
  EXPECT_EQ(doc["object"], "video");
  EXPECT_TRUE(doc["status"].is_null() || k_statuses.count(doc["status"].get<std::string>()))
      << doc["status"];
  EXPECT_TRUE(doc["progress"].is_number_integer() || doc["progress"].is_null());
  EXPECT_TRUE(doc["seconds"].is_string() || doc["seconds"].is_null());
  EXPECT_TRUE(doc["size"].is_string() || doc["size"].is_null());
}

// A gateway's answer: its own status word, progress as a percent string, seconds as a number.
const char* k_gateway_video =
    R"({"id":"video_1","object":"video","created_at":1800000000,"status":"processing",)"
    R"("model":"sora-2","progress":"45%","seconds":8,"size":"1280x720","prompt":"a fox",)"
    R"("vendor_field":{"x":1}})";

TEST_F(CliTest, StatusJsonIsTheNormalisedVideoWithTheServersObject) {
  transport->push(reply(200, k_gateway_video));
  auto r = run({"status", "video_1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto docs = json_lines(r.out);
  ASSERT_EQ(docs.size(), 1u) << r.out;
  const json& doc = docs.front();
  expect_video_document(doc);
  EXPECT_EQ(doc["id"], "video_1");
  EXPECT_EQ(doc["status"], "in_progress");
  EXPECT_EQ(doc["progress"], 45);
  EXPECT_TRUE(doc["created_at"].is_number_integer());
  EXPECT_EQ(doc["seconds"], "8");
  EXPECT_EQ(doc["size"], "1280x720");
  EXPECT_EQ(doc["prompt"], "a fox");
  EXPECT_TRUE(doc["error"].is_null());
  EXPECT_EQ(doc["server"], json::parse(k_gateway_video)); // untouched
  EXPECT_FALSE(doc.contains("vendor_field")) << "unknown fields stay under server";
  ASSERT_EQ(transport->requests.size(), 1u);
  EXPECT_EQ(transport->requests[0].url, "http://127.0.0.1:9/v1/videos/video_1");
}

TEST_F(CliTest, StatusJsonOfAFailedJobCarriesTheErrorKind) {
  transport->push(reply(200, R"({"id":"video_2","status":"failed","created_at":1,)"
                             R"("error":{"code":"moderation_blocked","message":"refused"}})"));
  auto r = run({"status", "video_2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = json_lines(r.out).front();
  expect_video_document(doc);
  EXPECT_EQ(doc["status"], "failed");
  EXPECT_EQ(doc["error"]["code"], "moderation_blocked");
  EXPECT_EQ(doc["error"]["message"], "refused");
  EXPECT_EQ(doc["error"]["kind"], "moderation");
}

TEST_F(CliTest, ListPrintsOneRowPerVideoAndOneDocumentPerVideoWithJson) {
  std::string page = R"({"object":"list","data":[)" + std::string(k_gateway_video) +
                     R"(,{"id":"video_0","status":"succeeded","progress":100,"created_at":1}],)"
                     R"("has_more":false})";
  transport->push(reply(200, page));
  auto table = run({"list"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.rfind("video_1 ", 0), 0u) << table.out;
  EXPECT_NE(table.out.find("\nvideo_0 "), std::string::npos) << table.out;

  transport->push(reply(200, page));
  auto r = run({"list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto docs = json_lines(r.out);
  ASSERT_EQ(docs.size(), 2u);
  for (const auto& doc : docs)
    expect_video_document(doc);
  EXPECT_EQ(docs[1]["status"], "completed");
  EXPECT_EQ(docs[1]["progress"], 100);
}

TEST_F(CliTest, NotFoundSaysTheCliWordsForTheHint) {
  transport->push(
      reply(404, R"({"error":{"message":"No such video","type":"invalid_request_error"}})"));
  auto r = run({"status", "video_9"});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("No such video"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sora list shows yours"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--base-url"), std::string::npos) << r.err;
}

TEST_F(CliTest, UnauthorizedNamesTheKeyVariable) {
  transport->push(reply(401, R"({"error":{"message":"Incorrect API key provided"}})"));
  auto r = run({"status", "video_1"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("SORA_API_KEY"), std::string::npos) << r.err;
}

TEST_F(CliTest, AnUnsupportedDurationIsRefusedInFlagWordsBeforeAnythingIsSent) {
  auto r = run({"create", "-p", "a fox on a hill, static shot", "-s", "5"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--seconds 5 is not a duration"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Use --seconds 4, 8, 12, 16 or 20."), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('`'), std::string::npos) << "no neutral setting names reach users";
  EXPECT_TRUE(transport->requests.empty());
}

TEST_F(CliTest, CreateJsonIsAVideoDocument) {
  transport->push(reply(200, R"({"id":"video_5","object":"video","status":"queued",)"
                             R"("created_at":1800000000,"model":"sora-2","seconds":"4",)"
                             R"("size":"720x1280","progress":0})"));
  auto r = run({"--no-journal", "create", "-p", "a fox on a hill, static shot", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = json_lines(r.out).front();
  expect_video_document(doc);
  EXPECT_EQ(doc["id"], "video_5");
  EXPECT_EQ(doc["status"], "queued");
}

// A create an earlier version started and lost the answer to left an intent with the older
// fingerprint (16 hex digits of FNV-1a): running the same command again follows that job.
TEST_F(CliTest, ARerunFindsTheJobAnEarlierVersionsInterruptedCreateStarted) {
  JobSpec spec; // what `create -p "a lake at dawn"` asks for
  spec.create.prompt = "a lake at dawn";
  const std::string old_print = *detail::fingerprint_v1(spec);
  ASSERT_EQ(old_print.size(), 16u);
  std::filesystem::create_directories(dir / "state" / "sora");
  write_file(dir / "state" / "sora" / "jobs.intents.jsonl",
             R"({"record":"intent","time":1800000000,"idempotency_key":"sora-earlier",)"
             R"("fingerprint":")" +
                 old_print +
                 R"(","command":"create","host":"127.0.0.1:9","prompt":"a lake at dawn"})"
                 "\n");
  transport->push(reply(200, R"({"object":"list","has_more":false,"data":[{"id":"video_old",)"
                             R"("object":"video","status":"queued","created_at":1800000010,)"
                             R"("model":"sora-2","progress":0,"prompt":"a lake at dawn"}]})"));
  auto r = run({"create", "-p", "a lake at dawn"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "video_old\n");
  EXPECT_NE(r.err.find("following it instead of paying for another"), std::string::npos) << r.err;
  for (const auto& request : transport->requests)
    EXPECT_NE(request.method, "POST") << "created a second time: " << request.url;
}

TEST(Hints, SettingNamesBecomeFlags) {
  EXPECT_EQ(sora::cli::cli_words("`size` auto picks 1280x720"), "--size auto picks 1280x720");
  EXPECT_EQ(sora::cli::cli_words("with `prompt`, or (`shot`, `action`)"),
            "with --prompt, or (--shot, --action)");
  EXPECT_EQ(sora::cli::cli_words("keep `unknown` and a lone ` quote"),
            "keep `unknown` and a lone ` quote");
}

TEST(Hints, EveryHintKindHasCliWords) {
  for (int i = 1; i <= static_cast<int>(HintKind::use_job_reference); ++i) {
    Error e;
    e.hint_kind = static_cast<HintKind>(i);
    e.setting = "seconds";
    e.hint = "neutral words about `seconds`";
    e.hint_values = {"4", "8"};
    auto words = sora::cli::hint_for(e);
    EXPECT_NE(words, e.hint) << to_string(e.hint_kind);
    EXPECT_EQ(words.find('`'), std::string::npos) << words;
  }
}

TEST(Hints, AHintRewrittenWithoutItsSettingKeepsItsOwnWords) {
  Error e;
  e.code = ErrorCode::not_found;
  e.setting = "video_id";
  e.hint_kind = HintKind::check_video_id;
  e.hint = "Check the `video_id` and the `base_url`.";
  EXPECT_NE(sora::cli::hint_for(e).find("sora list shows yours"), std::string::npos);
  e.hint = "OpenAI retired this API; see the profiles for other servers.";
  EXPECT_EQ(sora::cli::hint_for(e), e.hint);
}

TEST(ExitCodes, EveryKindNameMapsBackToTheSameExitCode) {
  for (int i = 0; i <= static_cast<int>(ErrorCode::internal); ++i) {
    Error e;
    e.code = static_cast<ErrorCode>(i);
    EXPECT_EQ(sora::cli::exit_code_for_kind(to_string(e.code)), sora::cli::exit_code_for(e))
        << to_string(e.code);
    EXPECT_EQ(sora::cli::parse_error_kind(to_string(e.code)), e.code);
  }
  EXPECT_EQ(sora::cli::exit_code_for_kind("no_such_kind"), 1);
  EXPECT_EQ(sora::cli::exit_code_for_kind("moderation"), 7);
  EXPECT_EQ(sora::cli::exit_code_for_kind("wait_timeout"), 8);
}

TEST(VideoJson, ADeletedVideoIsExpiredAndABatchLineHasItsLabel) {
  Video v;
  v.id = "video_d";
  v.status = VideoStatus::deleted;
  auto doc = json::parse(sora::cli::video_json(v));
  EXPECT_EQ(doc["status"], "expired");
  EXPECT_TRUE(doc["server"].is_null());

  BatchJobState s;
  s.label = "fox";
  s.status = BatchStatus::failed;
  s.video_id = "video_f";
  s.error = "Video video_f failed.";
  auto line = json::parse(sora::cli::batch_job_json(s));
  expect_video_document(line);
  EXPECT_EQ(line["id"], "video_f");
  EXPECT_EQ(line["label"], "fox");
  EXPECT_EQ(line["status"], "failed");
  EXPECT_EQ(line["batch_status"], "failed");
  EXPECT_EQ(line["error"]["kind"], "job_failed");
}

} // namespace
} // namespace sora::test

namespace sora::test {
namespace {

// Several threads share it: answers GET /videos/ID with a completed video (404 or 401 for the ids
// told), holds the first requests until `peak` are in flight together, and can make one id wait
// until another has been answered. Counts the most requests in flight and the threads seen.
class ConcurrentTransport final : public Transport {
public:
  explicit ConcurrentTransport(int peak) : m_peak(peak) {}
  std::map<std::string, int> statuses;      ///< id -> HTTP status (default 200)
  std::map<std::string, std::string> after; ///< id -> the id answered before it
  std::string interrupt_at;                 ///< this id's request sets g_interrupted
  int max_in_flight = 0;
  std::set<std::thread::id> threads;
  std::vector<std::string> answered;

  Result<HttpResponse> send(const HttpRequest& request) override {
    std::string id = request.url.substr(request.url.rfind('/') + 1);
    std::unique_lock lock(m_mutex);
    threads.insert(std::this_thread::get_id());
    max_in_flight = std::max(max_in_flight, ++m_in_flight);
    if (!m_released && m_in_flight >= m_peak) m_released = true;
    m_changed.notify_all();
    // Bounded: a run that never has `peak` in flight fails the test instead of hanging.
    m_changed.wait_for(lock, std::chrono::seconds(5),
                       [&] { return m_released && (!after.contains(id) || done(after[id])); });
    if (id == interrupt_at) sora::cli::g_interrupted = true;
    --m_in_flight;
    answered.push_back(id);
    m_changed.notify_all();
    if (sora::cli::g_interrupted) return unexpected(ErrorCode::interrupted, "Interrupted.");
    HttpResponse r;
    r.status = statuses.contains(id) ? statuses[id] : 200;
    r.body = r.status == 200 ? R"({"id":")" + id + R"(","status":"completed","progress":100})"
                             : R"({"error":{"message":"no"}})";
    return r;
  }
  Result<HttpResponse> send(const HttpRequest&, const StreamHandler&) override {
    return unexpected(ErrorCode::internal, "not scripted");
  }

private:
  bool done(const std::string& id) const {
    return std::find(answered.begin(), answered.end(), id) != answered.end();
  }
  int m_peak;
  int m_in_flight = 0;
  bool m_released = false;
  std::mutex m_mutex;
  std::condition_variable m_changed;
};

std::vector<std::string> ids_of(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i)
    ids.push_back("video_" + std::to_string(i));
  return ids;
}

std::vector<std::string> first_words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    words.push_back(line.substr(0, line.find(' ')));
  return words;
}

TEST_F(CliTest, SeveralIdsRunConcurrentlyWithinTheBoundAndPrintInTheOrderGiven) {
  auto fake = std::make_shared<ConcurrentTransport>(3);
  fake->after["video_0"] = "video_5"; // the first id is answered after a later one
  other_transport = fake;
  auto ids = ids_of(12);
  std::vector<std::string> args{"status", "--concurrency", "3"};
  args.insert(args.end(), ids.begin(), ids.end());
  auto r = run(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(first_words(r.out), ids);
  EXPECT_EQ(fake->max_in_flight, 3);
  EXPECT_LE(fake->threads.size(), 3u);
  EXPECT_LT(std::find(fake->answered.begin(), fake->answered.end(), "video_5"),
            std::find(fake->answered.begin(), fake->answered.end(), "video_0"));
}

TEST_F(CliTest, SeveralIdsExitWithTheFirstFailureInTheOrderGiven) {
  auto fake = std::make_shared<ConcurrentTransport>(4);
  fake->statuses = {{"video_1", 401}, {"video_3", 404}};
  fake->after["video_1"] = "video_3"; // the later failure happens first
  other_transport = fake;
  auto ids = ids_of(6);
  std::vector<std::string> args{"wait", "-j", "4"};
  args.insert(args.end(), ids.begin(), ids.end());
  auto r = run(args);
  EXPECT_EQ(r.exit_code, sora::cli::k_exit_credentials) << r.err;
  EXPECT_EQ(first_words(r.out),
            (std::vector<std::string>{"video_0", "video_2", "video_4", "video_5"}));
  EXPECT_EQ(fake->max_in_flight, 4);
  EXPECT_LT(r.err.find("401"), r.err.find("404")) << "errors in the order of the ids";
}

TEST_F(CliTest, AnInterruptStopsSeveralIdsAndNamesEveryUnfinishedOne) {
  auto fake = std::make_shared<ConcurrentTransport>(2);
  fake->interrupt_at = "video_3";
  other_transport = fake;
  auto ids = ids_of(10);
  std::vector<std::string> args{"wait", "-j", "2"};
  args.insert(args.end(), ids.begin(), ids.end());
  auto r = run(args);
  sora::cli::g_interrupted = false;
  EXPECT_EQ(r.exit_code, sora::cli::k_exit_interrupted) << r.err;
  auto printed = first_words(r.out);
  auto at = r.err.find("sora wait ");
  ASSERT_NE(at, std::string::npos) << r.err;
  std::istringstream in(r.err.substr(at + 10, r.err.find('\n', at) - at - 10));
  std::vector<std::string> unfinished{std::istream_iterator<std::string>(in), {}};
  // Every id is either printed or named to resume, each list in the order given.
  std::vector<std::string> both = printed;
  both.insert(both.end(), unfinished.begin(), unfinished.end());
  std::sort(both.begin(), both.end());
  auto sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(both, sorted) << r.out << r.err;
  EXPECT_TRUE(std::is_sorted(printed.begin(), printed.end()));
  EXPECT_TRUE(std::is_sorted(unfinished.begin(), unfinished.end()));
  EXPECT_NE(std::find(unfinished.begin(), unfinished.end(), "video_3"), unfinished.end());
  EXPECT_LT(fake->answered.size(), ids.size()) << "ids were still sent after the interrupt";
}

} // namespace
} // namespace sora::test
