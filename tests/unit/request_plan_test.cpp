// Golden tests of request planning (api/request_plan.cpp): every request shape, and the same
// request in every built-in profile's style, rendered as text and compared whole.
#include "api/request_plan.hpp"
#include "support/temp_dir.hpp"

#include <sora/profile.hpp>

#include <gtest/gtest.h>

#include <map>

using namespace sora;
using namespace sora::test;

namespace {

// One line per header and per member; a file member shows its path's name and size.
std::string render(const RequestPlan& plan) {
  std::string out = plan.method + " " + plan.url + " (" +
                    (plan.encoding == Encoding::json ? "json" : "multipart") + ")\n";
  for (const auto& h : plan.headers)
    if (h.name != "User-Agent") out += "  " + h.name + ": " + h.value + "\n";
  for (const auto& f : plan.fields) {
    out += "  " + f.name + " = " + f.value;
    if (f.file)
      out += "<" + f.file->filename().string() + ", " + std::to_string(f.file_size) + " bytes, " +
             f.content_type + ">" + f.after_file;
    out += "\n";
  }
  return out;
}

ClientConfig openai() {
  ClientConfig c;
  c.base_url = "https://api.example/v1";
  c.api_key = "sk-k";
  return c;
}

CreateRequest full_create() {
  CreateRequest r;
  r.prompt = "a fox";
  r.model = "sora-2";
  r.seconds = "8";
  r.size = "1280x720";
  return r;
}

std::string png_path() {
  return std::string(SORA_TEST_DATA) + "/photo-1280x720.png";
}

} // namespace

TEST(RequestPlanGolden, CreateAsJson) {
  auto plan = detail::plan_create(openai(), full_create());
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(render(*plan), "POST https://api.example/v1/videos (json)\n"
                           "  Authorization: Bearer sk-k\n"
                           "  Accept: application/json\n"
                           "  prompt = \"a fox\"\n"
                           "  model = \"sora-2\"\n"
                           "  seconds = \"8\"\n"
                           "  size = \"1280x720\"\n");
}

TEST(RequestPlanGolden, CreateWithAnImageIsMultipart) {
  auto r = full_create();
  r.image = png_path();
  auto size = std::to_string(std::filesystem::file_size(*r.image));
  auto plan = detail::plan_create(openai(), r);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(render(*plan), "POST https://api.example/v1/videos (multipart)\n"
                           "  Authorization: Bearer sk-k\n"
                           "  Accept: application/json\n"
                           "  prompt = a fox\n"
                           "  model = sora-2\n"
                           "  seconds = 8\n"
                           "  size = 1280x720\n"
                           "  input_reference = photo-1280x720.png<photo-1280x720.png, " +
                               size + " bytes, image/png>\n");
}

TEST(RequestPlanGolden, CreateWithAnImageAsJsonEmbedsADataUrl) {
  auto r = full_create();
  r.image = png_path();
  r.encoding = Encoding::json;
  auto size = std::to_string(std::filesystem::file_size(*r.image));
  auto plan = detail::plan_create(openai(), r);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->fields.back().value, "{\"image_url\":\"data:image/png;base64,");
  EXPECT_EQ(plan->fields.back().after_file, "\"}");
  EXPECT_EQ(plan->fields.back().file_size, std::stoull(size));
}

TEST(RequestPlanGolden, EachImageShape) {
  const std::map<ImageShape, std::string> want{
      {ImageShape::object, R"({"image_url":"https://img.example/a.png"})"},
      {ImageShape::url, R"("https://img.example/a.png")"},
      {ImageShape::openrouter_frames,
       R"([{"type":"image_url","image_url":{"url":"https://img.example/a.png"},)"
       R"("frame_type":"first_frame"}])"},
      {ImageShape::together_frames,
       R"([{"input_image":"https://img.example/a.png","frame":"first"}])"},
  };
  for (const auto& [shape, json] : want) {
    auto config = openai();
    config.style.image_shape = shape;
    CreateRequest r;
    r.prompt = "p";
    r.image_url = "https://img.example/a.png";
    auto plan = detail::plan_create(config, r);
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_EQ(plan->fields.back().name, "input_reference");
    EXPECT_EQ(plan->fields.back().value, json) << to_string(shape);
  }
}

TEST(RequestPlanGolden, ExtraFieldsReplaceInPlaceAndAppend) {
  auto r = full_create();
  r.fields = {{"size", "720x1280", false}, {"seed", "7", true}, {"style", "\"noir\"", true}};
  auto plan = detail::plan_create(openai(), r);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(render(*plan), "POST https://api.example/v1/videos (json)\n"
                           "  Authorization: Bearer sk-k\n"
                           "  Accept: application/json\n"
                           "  prompt = \"a fox\"\n"
                           "  model = \"sora-2\"\n"
                           "  seconds = \"8\"\n"
                           "  size = \"720x1280\"\n"
                           "  seed = 7\n"
                           "  style = \"noir\"\n");
}

TEST(RequestPlanGolden, RemixExtendAndEdit) {
  auto config = openai();
  EXPECT_EQ(render(detail::plan_remix(config, "video 1", "more snow")),
            "POST https://api.example/v1/videos/video%201/remix (json)\n"
            "  Authorization: Bearer sk-k\n"
            "  Accept: application/json\n"
            "  prompt = \"more snow\"\n");
  auto extend = detail::plan_extend(config, ExtendRequest{"video_1", "then it rains", "4"});
  ASSERT_TRUE(extend) << extend.error().message;
  EXPECT_EQ(render(*extend), "POST https://api.example/v1/videos/extensions (json)\n"
                             "  Authorization: Bearer sk-k\n"
                             "  Accept: application/json\n"
                             "  video = {\"id\":\"video_1\"}\n"
                             "  prompt = \"then it rains\"\n"
                             "  seconds = \"4\"\n");
  auto edit = detail::plan_edit(config, EditRequest{"video_1", "make it night"});
  ASSERT_TRUE(edit) << edit.error().message;
  EXPECT_EQ(render(*edit), "POST https://api.example/v1/videos/edits (json)\n"
                           "  Authorization: Bearer sk-k\n"
                           "  Accept: application/json\n"
                           "  video = {\"id\":\"video_1\"}\n"
                           "  prompt = \"make it night\"\n");
  EXPECT_FALSE(detail::plan_extend(config, ExtendRequest{"video_1", "p", "5"}));
  EXPECT_FALSE(detail::plan_edit(config, EditRequest{"", "p"}));
}

TEST(RequestPlanGolden, TheSameCreateInEveryBuiltInProfilesStyle) {
  // Golden lines per profile: encoding, then each member as NAME=VALUE (headers vary by key).
  const std::map<std::string, std::string> want{
      {"azure",
       R"(json prompt="a fox" model="sora-2" seconds="8" size="1280x720" input_reference={"image_url":"https://img.example/a.png"})"},
      {"litellm",
       R"(json prompt="a fox" model="sora-2" seconds="8" size="1280x720" input_reference={"image_url":"https://img.example/a.png"})"},
      {"new-api",
       R"(json prompt="a fox" model="sora-2" seconds="8" size="1280x720" input_reference="https://img.example/a.png")"},
      {"openai",
       R"(json prompt="a fox" model="sora-2" seconds="8" size="1280x720" input_reference={"image_url":"https://img.example/a.png"})"},
      {"openrouter",
       R"(json prompt="a fox" model="sora-2" duration=8 size="1280x720" frame_images=[{"type":"image_url","image_url":{"url":"https://img.example/a.png"},"frame_type":"first_frame"}])"},
      {"sglang",
       R"(json prompt="a fox" model="sora-2" seconds=8 size="1280x720" input_reference="https://img.example/a.png")"},
      {"together",
       R"(json prompt="a fox" model="sora-2" seconds="8" width=1280 height=720 media={"frame_images":[{"input_image":"https://img.example/a.png","frame":"first"}]})"},
      {"vllm-omni",
       R"(multipart prompt=a fox seconds=8 size=1280x720 image_reference={"image_url":"https://img.example/a.png"})"},
  };
  std::map<std::string, std::string> got;
  for (const auto& profile : builtin_profiles()) {
    ClientConfig config = openai();
    config.style = profile.style;
    auto request = full_create();
    request.image_url = "https://img.example/a.png";
    auto plan = detail::plan_create(config, request);
    ASSERT_TRUE(plan) << profile.name << ": " << plan.error().message;
    std::string line = plan->encoding == Encoding::json ? "json" : "multipart";
    for (const auto& f : plan->fields)
      line += " " + f.name + "=" + f.value;
    got[profile.name] = line;
  }
  for (const auto& [name, line] : want)
    EXPECT_EQ(got[name], line) << name;
  EXPECT_EQ(got.size(), want.size()); // a new profile gets its golden line here
}

TEST(RequestPlanGolden, TheCredentialIsRedactedInWhatIsShown) {
  auto config = openai();
  config.auth = AuthScheme::header;
  config.auth_header = "api-key";
  auto plan = detail::redacted(config, detail::plan_remix(config, "v", "p"));
  EXPECT_EQ(find_header(plan.headers, "api-key"), "[redacted]");
}
