// Video model catalogs (OpenRouter's /videos/models), the cache file, the capability check, the
// portable create options per profile, and the cost servers report.
#include "api/json_codec.hpp"
#include "support/temp_dir.hpp"

#include <sora/client.hpp>
#include <sora/journal.hpp>
#include <sora/models.hpp>
#include <sora/profile.hpp>

#include <gtest/gtest.h>

#include <fstream>

using namespace sora;

namespace {

const std::string k_png = std::string(SORA_TEST_DATA) + "/photo-1280x720.png";
const std::string k_webp = std::string(SORA_TEST_DATA) + "/photo-1280x720.webp";

constexpr std::string_view k_models = R"({"data":[{"id":"google/veo-3.1","name":"Veo 3.1",
  "canonical_slug":"google/veo-3.1","created":1,"allowed_passthrough_parameters":[],
  "creativity":null,"generate_audio":true,"seed":true,"supported_aspect_ratios":["16:9","9:16"],
  "supported_durations":[4,6,8],"supported_frame_images":["first_frame"],
  "supported_resolutions":["720p","1080p"],"supported_sizes":["1280x720","1920x1080"],
  "pricing_skus":{"video_per_second":"0.40","image_input":"0"},"upscale_factor":null}]})";

Client client_for(std::string_view profile) {
  ClientConfig config;
  config.base_url = "https://example.test/v1";
  config.api_key = "k";
  config.style = find_builtin_profile(profile)->style;
  return Client(config);
}

const PlannedField* field(const RequestPlan& plan, std::string_view name) {
  for (const auto& f : plan.fields)
    if (f.name == name) return &f;
  return nullptr;
}

} // namespace

TEST(VideoModels, ParseOpenRoutersListWithAPerSecondPrice) {
  auto catalog = parse_video_models(k_models);
  ASSERT_TRUE(catalog) << catalog.error().message;
  ASSERT_EQ(catalog->models.size(), 1u);
  const auto* veo = catalog->find("google/veo-3.1");
  ASSERT_NE(veo, nullptr);
  EXPECT_EQ(veo->durations, (std::vector<int>{4, 6, 8}));
  EXPECT_EQ(veo->aspect_ratios, (std::vector<std::string>{"16:9", "9:16"}));
  EXPECT_EQ(veo->audio, true);
  ASSERT_TRUE(veo->usd_per_second);
  EXPECT_DOUBLE_EQ(*veo->usd_per_second, 0.40);
  EXPECT_FALSE(parse_video_models(R"({"models":[]})"));
  EXPECT_FALSE(parse_video_models(R"({"data":[{"name":"no id"}]})"));
}

TEST(VideoModels, CheckNamesTheSupportedValuesAndTheClosest) {
  auto catalog = parse_video_models(k_models);
  ASSERT_TRUE(catalog);
  const auto& veo = catalog->models[0];
  CreateRequest request;
  request.seconds = "5";
  auto m = check_capabilities(request, veo);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->what, "duration");
  EXPECT_EQ(m->closest, "4"); // 4 and 6 are as far; the first wins
  request.seconds = "9";
  EXPECT_EQ(check_capabilities(request, veo)->closest, "8");
  request.seconds = "8";
  EXPECT_FALSE(check_capabilities(request, veo));
  request.size = "1900x1000";
  EXPECT_EQ(check_capabilities(request, veo)->closest, "1920x1080");
  request.size.reset();
  request.aspect_ratio = "1:1";
  EXPECT_EQ(check_capabilities(request, veo)->what, "aspect ratio");
  request.aspect_ratio.reset();
  request.last_frame = k_png;
  EXPECT_EQ(check_capabilities(request, veo)->what, "last frame");
}

TEST(VideoModels, CacheRoundTripsAndExpires) {
  sora::test::TempDir dir;
  auto catalog = parse_video_models(k_models);
  ASSERT_TRUE(catalog);
  catalog->base_url = "https://openrouter.ai/api/v1";
  catalog->fetched_at = 1000;
  std::string path = (dir.path() / "sub" / catalog_cache_name(catalog->base_url)).string();
  ASSERT_TRUE(write_cached_catalog(path, *catalog));
  auto back = read_cached_catalog(path, 1000 + 3600, 86400);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->base_url, catalog->base_url);
  EXPECT_EQ(back->models[0].durations, catalog->models[0].durations);
  EXPECT_FALSE(read_cached_catalog(path, 1000 + 86401, 86400)); // stale
  EXPECT_NE(catalog_cache_name("https://a/v1"), catalog_cache_name("https://a/v2"));
}

TEST(PortableOptions, OpenRouterSharesFrameImagesAndEmbedsBothFiles) {
  auto client = client_for("openrouter");
  CreateRequest request;
  request.prompt = "x";
  request.model = "m";
  request.image = k_png;
  request.last_frame = k_webp;
  request.references = {k_png};
  request.aspect_ratio = "16:9";
  request.audio = false;
  request.seed = 7;
  auto plan = client.plan_create(request);
  ASSERT_TRUE(plan) << plan.error().message;
  const auto* frames = field(*plan, "frame_images");
  ASSERT_NE(frames, nullptr);
  ASSERT_TRUE(frames->file);
  ASSERT_EQ(frames->more_files.size(), 1u);
  EXPECT_EQ(frames->more_files[0].content_type, "image/webp");
  EXPECT_EQ(frames->more_files[0].after_file, R"("},"frame_type":"last_frame"}])");
  EXPECT_NE(frames->after_file.find(R"("frame_type":"first_frame"},{"type":"image_url")"),
            std::string::npos);
  EXPECT_EQ(field(*plan, "aspect_ratio")->value, R"("16:9")");
  EXPECT_EQ(field(*plan, "generate_audio")->value, "false");
  EXPECT_EQ(field(*plan, "seed")->value, "7");
  EXPECT_NE(field(*plan, "input_references"), nullptr);
}

TEST(PortableOptions, AProfileWithoutTheFieldRefusesBeforeSending) {
  CreateRequest request;
  request.prompt = "x";
  request.negative_prompt = "blur";
  auto plan = client_for("openrouter").plan_create(request);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(inexpressible_options(request, find_builtin_profile("openai")->style),
            (std::vector<std::string>{"negative prompt"}));
  request.negative_prompt.reset();
  request.seed = 1;
  EXPECT_TRUE(inexpressible_options(request, find_builtin_profile("together")->style).empty());
  EXPECT_FALSE(client_for("openai").plan_create(request));
}

TEST(ReportedCost, DecodedFromOpenRouterTogetherAndLiteLLM) {
  auto openrouter = detail::parse_video(
      R"({"id":"gen-1","polling_url":"/x","status":"completed","usage":{"cost":3.2}})");
  ASSERT_TRUE(openrouter);
  EXPECT_EQ(openrouter->cost, 3.2);
  auto together = detail::parse_video(
      R"({"id":"t","status":"completed","outputs":{"video_url":"u","cost":0.25}})");
  EXPECT_EQ(together->cost, 0.25);
  auto litellm = detail::parse_video(R"({"id":"v","status":"completed","usage":{"total_cost":1}})");
  EXPECT_EQ(litellm->cost, 1.0);
  auto none = detail::parse_video(R"({"id":"v","status":"completed","usage":{"cost":"x"}})");
  EXPECT_FALSE(none->cost);
}

TEST(ReportedCost, JournalFoldsTheCostLineIntoItsJob) {
  sora::test::TempDir dir;
  Journal journal(dir.path() / "jobs.jsonl");
  JournalEntry job;
  job.id = "gen-1";
  job.command = "create";
  job.profile = "openrouter";
  job.estimate_usd = 3.0; // sora's estimate, on the job's own line
  ASSERT_TRUE(journal.append(job));
  JournalEntry cost;
  cost.id = "gen-1";
  cost.command = "cost";
  cost.cost_usd = 3.2;
  ASSERT_TRUE(journal.append(cost));
  auto entries = journal.read();
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 1u); // @last still names the job
  EXPECT_EQ((*entries)[0].profile, "openrouter");
  EXPECT_EQ((*entries)[0].cost_usd, 3.2);
  EXPECT_EQ((*entries)[0].estimate_usd, 3.0); // next to the reported cost
  EXPECT_NE((*entries)[0].raw_json.find("\"estimate_usd\":3"), std::string::npos);
}
