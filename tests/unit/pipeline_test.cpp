// run_job over the fake transport: the order of events, the intent before the paid request, the
// id on every failure after submit, and the fitted temporary file removed on every path.
#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"
#include "support/temp_dir.hpp"

#include <sora/job.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>

using namespace sora;
using namespace sora::test;
namespace fs = std::filesystem;

namespace {

std::string video_json(const std::string& id, const std::string& status) {
  return R"({"id":")" + id + R"(","object":"video","model":"sora-2","status":")" + status +
         R"(","progress":0,"prompt":"a lake","created_at":1800000000})";
}

std::string mp4(std::size_t size) {
  std::string data = std::string("\0\0\0\x18", 4) + "ftypisom";
  data.resize(size, 'x');
  return data;
}

Scripted media(const std::string& body) {
  Scripted s = reply(200, body);
  s.response.headers = {{"Content-Type", "video/mp4"},
                        {"Content-Length", std::to_string(body.size())}};
  return s;
}

// Records every event; can refuse one stage; sees how many requests went out at `intent`.
struct Recorder final : JobObserver {
  FakeTransport* transport = nullptr;
  std::vector<JobStage> stages;
  std::size_t requests_at_intent = 99;
  std::string key, fingerprint, failed_id;
  std::optional<JobStage> refuse;
  ErrorCode failed_code = ErrorCode::internal;

  Result<void> on_event(const JobEvent& e) override {
    if (e.stage != JobStage::polled && e.stage != JobStage::downloading &&
        e.stage != JobStage::uploading)
      stages.push_back(e.stage);
    if (e.stage == JobStage::intent) {
      requests_at_intent = transport->requests.size();
      key = e.idempotency_key;
      fingerprint = e.fingerprint;
    }
    if (e.stage == JobStage::failed) {
      failed_id = e.error->video_id;
      failed_code = e.error->code;
    }
    if (refuse && *refuse == e.stage) return unexpected(ErrorCode::io, "Cannot write the journal.");
    return {};
  }
};

struct PipelineFixture : ::testing::Test {
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  TempDir dir;
  Recorder recorder;
  PipelineFixture() { recorder.transport = transport.get(); }

  Client make() {
    ClientConfig config;
    config.base_url = "http://127.0.0.1:9/v1";
    config.max_retries = 0;
    return Client(config, transport, clock);
  }
  JobSpec spec(bool with_output = true) {
    JobSpec job;
    job.label = "lake";
    job.create.prompt = "a lake";
    if (with_output) job.output = dir / "lake.mp4";
    return job;
  }
  std::string header(std::size_t request, const std::string& name) const {
    for (const auto& [k, v] : transport->requests.at(request).headers)
      if (k == name) return v;
    return {};
  }
};

using S = JobStage;

} // namespace

TEST_F(PipelineFixture, RunsEveryStepInOrderAndSendsTheRecordedKey) {
  transport->push(reply(200, video_json("video_1", "queued")));
  transport->push(reply(200, video_json("video_1", "completed")));
  transport->push(media(mp4(1000)));
  auto client = make();
  auto outcome = run_job(client, spec(), recorder);
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.video_id, "video_1");
  EXPECT_EQ(recorder.stages, (std::vector<S>{S::intent, S::submitted, S::completed, S::saved}));
  EXPECT_EQ(recorder.requests_at_intent, 0u) << "the intent is reported before the POST";
  EXPECT_FALSE(recorder.key.empty());
  EXPECT_EQ(header(0, "Idempotency-Key"), recorder.key);
  EXPECT_EQ(recorder.fingerprint, *fingerprint(spec()));
  EXPECT_EQ(fs::file_size(dir / "lake.mp4"), 1000u);
}

TEST_F(PipelineFixture, AFingerprintTheCallerComputedIsRecordedAsGiven) {
  // The CLI fingerprints a request to look for an earlier attempt; the pipeline then records that
  // one rather than reading the image a second time.
  transport->push(reply(200, video_json("video_1", "queued")));
  auto client = make();
  JobSpec job = spec(false);
  job.fingerprint = "v2:given";
  ASSERT_FALSE(run_job(client, job, recorder).error);
  EXPECT_EQ(recorder.fingerprint, "v2:given");
}

TEST_F(PipelineFixture, AResendUsesTheKeyOfTheIntent) {
  transport->push(reply(200, video_json("video_1", "queued")));
  auto client = make();
  JobSpec job = spec(false);
  job.idempotency_key = "sora-earlier";
  auto outcome = run_job(client, job, recorder);
  ASSERT_FALSE(outcome.error);
  EXPECT_EQ(header(0, "Idempotency-Key"), "sora-earlier");
  EXPECT_EQ(recorder.stages, (std::vector<S>{S::intent, S::submitted}));
}

TEST_F(PipelineFixture, NothingIsSentWhenTheIntentCannotBeRecorded) {
  recorder.refuse = S::intent;
  auto client = make();
  auto outcome = run_job(client, spec(), recorder);
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ErrorCode::io);
  EXPECT_TRUE(transport->requests.empty());
}

TEST_F(PipelineFixture, AnOutputThatCannotBeWrittenFailsBeforeSending) {
  auto client = make();
  for (fs::path bad : {dir / "missing" / "x.mp4", dir.path(), fs::path("/proc/sora-x.mp4")}) {
    JobSpec job = spec();
    job.output = bad;
    auto outcome = run_job(client, job, recorder);
    ASSERT_TRUE(outcome.error) << bad;
    EXPECT_EQ(outcome.error->code, ErrorCode::invalid_argument) << bad;
  }
  test::write_file(dir / "file", "x");
  JobSpec under_file = spec();
  under_file.output = dir / "file" / "x.mp4";
  EXPECT_TRUE(run_job(client, under_file, recorder).error);
  test::write_file(dir / "lake.mp4", "old");
  EXPECT_TRUE(run_job(client, spec(), recorder).error) << "an existing file needs overwrite";
  EXPECT_TRUE(transport->requests.empty());
}

// A batch tests each output folder once: a job whose caller saw the folder written skips the
// test file (/proc refuses it, so without the flag the preflight fails there; root's access(2)
// to /proc passes, so this needs root).
TEST_F(PipelineFixture, AFolderTheCallerSawWrittenIsNotTestedAgain) {
  if (::geteuid() != 0) GTEST_SKIP() << "only root's access(2) to /proc passes";
  JobSpec job = spec();
  job.output = fs::path("/proc/sora-x.mp4");
  EXPECT_FALSE(preflight_output(job));
  job.folder_writable = true;
  EXPECT_TRUE(preflight_output(job));
  job.output = dir / "missing" / "x.mp4"; // the other checks still run
  EXPECT_FALSE(preflight_output(job));
}

// ... but a folder made read-only since (chmod, a remount) is still refused before the create.
TEST_F(PipelineFixture, AFolderMadeReadOnlySinceIsStillRefused) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write in any folder it can reach";
  fs::create_directories(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  JobSpec job = spec();
  job.output = dir / "ro" / "x.mp4";
  job.folder_writable = true;
  auto checked = preflight_output(job);
  fs::permissions(dir / "ro", fs::perms::owner_all);
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("Cannot write in the folder"), std::string::npos);
}

TEST_F(PipelineFixture, TheIdIsReportedOnEveryFailureAfterSubmit) {
  // wait fails
  transport->push(reply(200, video_json("video_w", "queued")));
  transport->push(fail_with(ErrorCode::interrupted));
  auto client = make();
  auto waited = run_job(client, spec(), recorder);
  ASSERT_TRUE(waited.error);
  EXPECT_EQ(waited.video_id, "video_w");
  EXPECT_EQ(waited.error->video_id, "video_w");
  EXPECT_EQ(recorder.failed_id, "video_w");
  // download fails
  transport->push(reply(200, video_json("video_d", "queued")));
  transport->push(reply(200, video_json("video_d", "completed")));
  transport->push(fail_with(ErrorCode::io));
  auto downloaded = run_job(client, spec(), recorder);
  ASSERT_TRUE(downloaded.error);
  EXPECT_EQ(downloaded.error->video_id, "video_d");
  EXPECT_EQ(recorder.failed_id, "video_d");
  ASSERT_TRUE(downloaded.video);
  EXPECT_EQ(downloaded.video->status, VideoStatus::completed);
}

TEST_F(PipelineFixture, ALostCreateKeepsTheIntentUnresolved) {
  transport->push(fail_with(ErrorCode::interrupted));
  auto client = make();
  auto outcome = run_job(client, spec(), recorder);
  ASSERT_TRUE(outcome.error);
  EXPECT_TRUE(outcome.video_id.empty());
  EXPECT_EQ(recorder.stages, (std::vector<S>{S::intent, S::failed}));
}

TEST_F(PipelineFixture, TheFittedCopyIsRemovedOnEveryPath) {
  fs::path temp = dir / "tmp";
  fs::create_directories(temp);
  for (bool succeed : {true, false}) {
    if (succeed)
      transport->push(reply(200, video_json("video_f", "queued")));
    else
      transport->push(fail_with(ErrorCode::server));
    JobSpec job = spec(false);
    job.create.image = fs::path(SORA_TEST_DATA) / "photo-1280x720.png";
    job.create.size = "720x1280";
    job.fit = FitOptions{};
    job.fit->width = 720;
    job.fit->height = 1280;
    job.fit->temp_dir = temp;
    auto client = make();
    auto outcome = run_job(client, job, recorder);
    EXPECT_EQ(!outcome.error, succeed);
    EXPECT_TRUE(std::any_of(transport->requests.begin(), transport->requests.end(),
                            [](const Recorded& r) { return r.method == "POST"; }));
    EXPECT_TRUE(fs::is_empty(temp)) << "the fitted copy outlived the job";
  }
}

TEST_F(PipelineFixture, FingerprintsDifferWhenTheRequestDoes) {
  JobSpec a = spec(), b = spec();
  b.create.prompt = "a lake at dusk";
  EXPECT_EQ(*fingerprint(a), *fingerprint(spec()));
  EXPECT_NE(*fingerprint(a), *fingerprint(b));
  b = spec();
  b.create.model = "sora-2-pro";
  EXPECT_NE(*fingerprint(a), *fingerprint(b));
}

TEST_F(PipelineFixture, RemixExtendAndEditSendTheirRequestWithTheKey) {
  auto client = make();
  for (JobKind kind : {JobKind::remix, JobKind::extend, JobKind::edit}) {
    transport->push(reply(200, video_json("video_r", "queued")));
    JobSpec job;
    job.kind = kind;
    job.source_id = "video_src";
    job.prompt = "make it rain";
    job.seconds = "4";
    auto outcome = run_job(client, job, recorder);
    ASSERT_FALSE(outcome.error) << to_string(kind) << ": " << outcome.error->message;
    EXPECT_EQ(header(transport->requests.size() - 1, "Idempotency-Key"), recorder.key);
  }
}

TEST_F(PipelineFixture, FindsTheJobAnInterruptedCreateStarted) {
  transport->push(reply(200, R"({"object":"list","data":[)" + video_json("video_x", "queued") +
                                 R"(],"has_more":false})"));
  auto client = make();
  auto found = find_created_job(client, "a lake", 1'800'000'000);
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->id, "video_x");
  transport->push(reply(200, R"({"object":"list","data":[],"has_more":false})"));
  auto none = find_created_job(client, "a lake", 1'800'000'000);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  transport->push(reply(404, R"({"error":{"message":"no route"}})"));
  EXPECT_FALSE(find_created_job(client, "a lake", 1'800'000'000));
}
