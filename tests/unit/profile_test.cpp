// Request-side tolerance rules (docs/providers.md): base URL, auth, extra headers and query,
// encodings, image shapes, extra fields, lenient checks, duration and model knobs, and the
// built-in profiles.
#include "hints.hpp"
#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"
#include "support/temp_dir.hpp"

#include <sora/client.hpp>
#include <sora/profile.hpp>
#include <sora/validate.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>

using namespace sora;
using namespace sora::test;

namespace {

const std::string k_key = "sk-profile-secret-42";
const std::string k_png = std::string(SORA_TEST_DATA) + "/photo-1280x720.png";

std::string video_json(const std::string& id, const std::string& status = "queued") {
  return R"({"id":")" + id + R"(","object":"video","status":")" + status + R"("})";
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    int v = value(c);
    if (v < 0) return "<invalid base64>";
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

struct ProfileFixture : ::testing::Test {
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  std::vector<std::string> log_lines;

  Client make(const Profile& profile, std::string base = {}) {
    ClientConfig config;
    config.base_url = base.empty() ? profile.base_url : base;
    if (config.base_url.empty()) config.base_url = "https://gw.example.com/v1";
    config.api_key = k_key;
    config.auth = profile.auth;
    config.auth_header = profile.auth_header;
    config.style = profile.style;
    config.max_retries = 0;
    config.log = [this](LogLevel, std::string_view line) { log_lines.emplace_back(line); };
    return Client(config, transport, clock);
  }
  Client make(std::string_view name, std::string base = {}) {
    return make(*find_builtin_profile(name), std::move(base));
  }
  const Recorded& sent_create(Client& client, const CreateRequest& request) {
    transport->push(reply(200, video_json("video_1")));
    auto v = client.create(request);
    EXPECT_TRUE(v) << v.error().message;
    return transport->requests.back();
  }
};

CreateRequest prompt_only(std::string prompt = "a lake") {
  CreateRequest r;
  r.prompt = std::move(prompt);
  return r;
}

} // namespace

TEST(BuiltinProfiles, HaveTheDocumentedNamesAndTheOpenAIDefault) {
  std::vector<std::string> names;
  for (const auto& p : builtin_profiles()) {
    names.push_back(p.name);
    EXPECT_FALSE(p.description.empty()) << p.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"openai", "litellm", "vllm-omni", "sglang", "new-api",
                                             "openrouter", "together", "azure"}));
  const Profile* openai = find_builtin_profile(k_default_profile);
  ASSERT_NE(openai, nullptr);
  EXPECT_EQ(openai->base_url, k_default_base_url);
  EXPECT_TRUE(openai->style.openai_enums);
  for (const auto& p : builtin_profiles()) {
    if (p.name != "openai") {
      EXPECT_FALSE(p.style.openai_enums) << p.name; // rule 8
    }
  }
  EXPECT_EQ(find_builtin_profile("nope"), nullptr);
}

TEST_F(ProfileFixture, Rule1_BaseUrlIsAnOpaquePrefix) {
  auto client = make("openrouter", "https://openrouter.ai/api/v1/");
  ASSERT_EQ(sent_create(client, prompt_only()).url, "https://openrouter.ai/api/v1/videos");
  auto together = make("together");
  EXPECT_EQ(sent_create(together, prompt_only()).url, "https://api.together.ai/v2/videos");
}

TEST_F(ProfileFixture, Rule2_AuthSettingsParseAndApply) {
  AuthScheme scheme{};
  std::string header;
  ASSERT_TRUE(parse_auth("header:x-litellm-api-key", scheme, header));
  EXPECT_EQ(scheme, AuthScheme::header);
  EXPECT_EQ(header, "x-litellm-api-key");
  EXPECT_EQ(auth_to_string(scheme, header), "header:x-litellm-api-key");
  for (const char* text : {"bearer", "raw", "key", "none", "BEARER"})
    EXPECT_TRUE(parse_auth(text, scheme, header)) << text;
  for (const char* text : {"header:", "header:a b", "basic", ""})
    EXPECT_FALSE(parse_auth(text, scheme, header)) << text;

  auto azure = make("azure", "https://res.openai.azure.com/openai/v1");
  const auto& sent = sent_create(azure, prompt_only());
  EXPECT_EQ(find_header(sent.headers, "api-key"), k_key);
  EXPECT_FALSE(find_header(sent.headers, "authorization"));
  auto plan = azure.plan_create(prompt_only());
  ASSERT_TRUE(plan);
  EXPECT_EQ(find_header(plan->headers, "api-key"), "[redacted]");

  auto vllm = make("vllm-omni");
  EXPECT_FALSE(find_header(sent_create(vllm, prompt_only()).headers, "authorization"));
}

TEST_F(ProfileFixture, Rule3_ExtraQueryAndHeadersOnEveryRequest) {
  Profile p = *find_builtin_profile("litellm");
  p.style.query = {{"api-version", "preview"}, {"custom_llm_provider", "openai"}};
  p.style.headers = {
      {"X-Trace", "t-1"}, {"x-api-key", "other-secret-99"}, {"X-Acme-Token", "acme-token-77"}};
  auto client = make(p);
  transport->push(reply(200, video_json("video_1")));
  ASSERT_TRUE(client.create(prompt_only()));
  transport->push(reply(200, video_json("video_1", "completed")));
  ASSERT_TRUE(client.retrieve("video_1"));
  transport->push(reply(200, R"({"object":"list","data":[],"has_more":false})"));
  ASSERT_TRUE(client.list(ListQuery{5, {}, {}}));
  transport->push(reply(200, R"({"id":"video_1","object":"video.deleted","deleted":true})"));
  ASSERT_TRUE(client.remove("video_1"));
  transport->push(reply(200, std::string("\0\0\0\x18"
                                         "ftypmp42 plus some bytes",
                                         28)));
  std::string got;
  ASSERT_TRUE(client.download_to("video_1", Variant::video, [&](std::span<const char> c) {
    got.append(c.data(), c.size());
    return Result<void>{};
  }));
  ASSERT_EQ(transport->requests.size(), 5u);
  for (const auto& r : transport->requests) {
    EXPECT_NE(r.url.find("?api-version=preview&custom_llm_provider=openai"), std::string::npos)
        << r.url;
    EXPECT_EQ(find_header(r.headers, "x-trace"), "t-1") << r.url;
    EXPECT_EQ(find_header(r.headers, "x-api-key"), "other-secret-99") << r.url;
  }
  EXPECT_NE(transport->requests[2].url.find("custom_llm_provider=openai&limit=5"),
            std::string::npos);
  auto plan = client.plan_create(prompt_only());
  ASSERT_TRUE(plan);
  EXPECT_EQ(find_header(plan->headers, "x-api-key"), "[redacted]"); // a secret-looking header
  EXPECT_EQ(find_header(plan->headers, "x-trace"), "t-1");
  for (const auto& line : log_lines) {
    EXPECT_EQ(line.find(k_key), std::string::npos) << line;
    EXPECT_EQ(line.find("other-secret-99"), std::string::npos) << line;
    EXPECT_EQ(line.find("acme-token-77"), std::string::npos) << line;
  }
}

TEST_F(ProfileFixture, Rule5_AutomaticEncodingIsMultipartOnlyWithAFile) {
  auto client = make("openai");
  auto text = client.plan_create(prompt_only());
  ASSERT_TRUE(text);
  EXPECT_EQ(text->encoding, Encoding::json);
  auto with_file = prompt_only();
  with_file.image = k_png;
  auto file = client.plan_create(with_file);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->encoding, Encoding::multipart);
  auto with_url = prompt_only();
  with_url.image_url = "https://img.example.com/a.png";
  EXPECT_EQ(client.plan_create(with_url)->encoding, Encoding::json);
}

TEST_F(ProfileFixture, Rule5_ProfileEncodingWinsUnlessTheRequestSaysOtherwise) {
  auto vllm = make("vllm-omni");
  const auto& sent = sent_create(vllm, prompt_only());
  EXPECT_EQ(find_header(sent.headers, "content-type").value_or("").rfind("multipart/", 0), 0u);
  EXPECT_NE(sent.body.find("name=\"prompt\"\r\n\r\na lake\r\n"), std::string::npos);
  auto r = prompt_only();
  r.encoding = Encoding::json;
  EXPECT_EQ(vllm.plan_create(r)->encoding, Encoding::json);
  auto sglang = make("sglang");
  auto with_file = prompt_only();
  with_file.image = k_png;
  EXPECT_EQ(sglang.plan_create(with_file)->encoding, Encoding::multipart); // JSON unless a file
  EXPECT_EQ(sglang.plan_create(prompt_only())->encoding, Encoding::json);
}

TEST_F(ProfileFixture, Rule5_JsonOnlyServerGetsTheFileAsAStreamedDataUrl) {
  TempDir dir;
  auto big = dir / "big.png";
  {
    // A real PNG header followed by 3 MiB + 1 of noise: big, and not a multiple of 3.
    std::string bytes = slurp(k_png);
    std::mt19937 rng(7);
    bytes.reserve(bytes.size() + (3u << 20) + 1);
    for (std::size_t i = 0; i < (3u << 20) + 1; ++i)
      bytes += static_cast<char>(rng() & 0xFF);
    std::ofstream(big, std::ios::binary) << bytes;
  }
  auto client = make("openai");
  auto r = prompt_only();
  r.image = big;
  r.encoding = Encoding::json;
  auto plan = client.plan_create(r);
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->fields.size(), 2u);
  EXPECT_EQ(plan->fields[1].name, "input_reference");
  EXPECT_EQ(plan->fields[1].value, R"({"image_url":"data:image/png;base64,)");
  EXPECT_EQ(plan->fields[1].after_file, R"("})");
  ASSERT_TRUE(plan->fields[1].file);

  const auto& sent = sent_create(client, r);
  EXPECT_EQ(find_header(sent.headers, "content-type"), "application/json");
  std::string head = R"({"prompt":"a lake","input_reference":{"image_url":"data:image/png;base64,)";
  ASSERT_EQ(sent.body.rfind(head, 0), 0u);
  ASSERT_TRUE(sent.body.ends_with("\"}}"));
  std::string b64 = sent.body.substr(head.size(), sent.body.size() - head.size() - 3);
  EXPECT_EQ(b64.size() % 4, 0u);
  EXPECT_TRUE(base64_decode(b64) == slurp(big)) << "the body does not decode to the file";

  // The same for a JSON-only profile and its own shape.
  auto openrouter = make("openrouter");
  auto r2 = prompt_only();
  r2.image = k_png;
  const auto& sent2 = sent_create(openrouter, r2);
  std::string head2 = R"({"prompt":"a lake","frame_images":[{"type":"image_url","image_url":)"
                      R"({"url":"data:image/png;base64,)";
  ASSERT_EQ(sent2.body.rfind(head2, 0), 0u) << sent2.body.substr(0, 200);
  std::string tail2 = R"("},"frame_type":"first_frame"}]})";
  ASSERT_TRUE(sent2.body.ends_with(tail2));
  EXPECT_TRUE(base64_decode(sent2.body.substr(head2.size(), sent2.body.size() - head2.size() -
                                                                tail2.size())) == slurp(k_png));
}

TEST_F(ProfileFixture, Rule6_ImageUrlInEachShape) {
  auto r = prompt_only();
  r.image_url = "https://img.example.com/a.png";
  auto openai = make("openai");
  EXPECT_EQ(
      sent_create(openai, r).body,
      R"({"prompt":"a lake","input_reference":{"image_url":"https://img.example.com/a.png"}})");
  auto sglang = make("sglang");
  EXPECT_EQ(sent_create(sglang, r).body,
            R"({"prompt":"a lake","input_reference":"https://img.example.com/a.png"})");
  auto openrouter = make("openrouter");
  EXPECT_EQ(sent_create(openrouter, r).body,
            R"({"prompt":"a lake","frame_images":[{"type":"image_url","image_url":)"
            R"({"url":"https://img.example.com/a.png"},"frame_type":"first_frame"}]})");
  auto together = make("together");
  EXPECT_EQ(sent_create(together, r).body,
            R"({"prompt":"a lake","media":{"frame_images":[{"input_image":)"
            R"("https://img.example.com/a.png","frame":"first"}]}})");
  // Multipart: a text part; vLLM-Omni reads the JSON object from `image_reference`.
  auto vllm = make("vllm-omni");
  const auto& sent = sent_create(vllm, r);
  EXPECT_NE(sent.body.find("name=\"image_reference\"\r\n\r\n"
                           R"({"image_url":"https://img.example.com/a.png"})"),
            std::string::npos);
  // A local file in multipart is a file part under the image field.
  auto file = prompt_only();
  file.image = k_png;
  auto plan = vllm.plan_create(file);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->fields.back().name, "input_reference");
  EXPECT_TRUE(plan->fields.back().file);
  // Data URLs pass; other schemes, and both an image and a URL, are refused before sending.
  auto data = prompt_only();
  data.image_url = "data:image/png;base64,iVBORw0KGgo=";
  EXPECT_TRUE(vllm.plan_create(data));
  auto bad = prompt_only();
  bad.image_url = "ftp://x/y.png";
  EXPECT_EQ(vllm.plan_create(bad).error().code, ErrorCode::invalid_argument);
  auto both = prompt_only();
  both.image = k_png;
  both.image_url = "https://img.example.com/a.png";
  EXPECT_EQ(vllm.plan_create(both).error().code, ErrorCode::invalid_argument);
}

TEST_F(ProfileFixture, Rule7_ExtraFieldsAsTextOrJsonInBothEncodings) {
  auto r = prompt_only();
  r.seconds = "8";
  r.fields = {{"seed", "42", false},
              {"extra_params", R"({ "steps" : 30 })", true},
              {"seconds", "12", true}, // replaces the built-in member, in place
              {"seed", "43", false}};  // a later one replaces an earlier one
  auto json_client = make("new-api", "https://gw.example.com/v1");
  EXPECT_EQ(sent_create(json_client, r).body,
            R"({"prompt":"a lake","seconds":12,"seed":"43","extra_params":{"steps":30}})");
  auto vllm = make("vllm-omni");
  const auto& sent = sent_create(vllm, r);
  EXPECT_NE(sent.body.find("name=\"seed\"\r\n\r\n43\r\n"), std::string::npos);
  EXPECT_NE(sent.body.find("name=\"extra_params\"\r\n\r\n{\"steps\":30}\r\n"), std::string::npos);
  EXPECT_NE(sent.body.find("name=\"seconds\"\r\n\r\n12\r\n"), std::string::npos);
  EXPECT_EQ(sent.body.find("name=\"seconds\"\r\n\r\n8\r\n"), std::string::npos);
  auto bad = prompt_only();
  bad.fields = {{"meta", "{not json", true}};
  auto plan = vllm.plan_create(bad);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(plan.error().message.find("meta"), std::string::npos);
}

TEST(Rule8, OpenAIEnumsAreErrorsOnlyWhenEnforced) {
  CreateRequest strict;
  strict.prompt = "a lake";
  strict.size = "1344x768";
  strict.seconds = "7";
  EXPECT_FALSE(validate_create(strict, std::nullopt));
  CreateRequest lenient = strict;
  std::vector<std::string> warnings;
  EXPECT_TRUE(validate_create(lenient, std::nullopt, false, &warnings));
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(sora::cli::cli_words(warnings[0]).find("--seconds 7"), std::string::npos);
  EXPECT_NE(sora::cli::cli_words(warnings[1]).find("--size 1344x768"), std::string::npos);
  // Shape checks stay errors everywhere.
  CreateRequest empty;
  empty.prompt = "  ";
  EXPECT_FALSE(validate_create(empty, std::nullopt, false, &warnings));
  CreateRequest no_model;
  no_model.prompt = "x";
  no_model.model = "";
  EXPECT_FALSE(validate_create(no_model, std::nullopt, false, &warnings));
  // An image that does not match: an error on openai, a warning elsewhere; nothing filled in.
  ImageInfo image{ImageType::jpeg, 1024, 768};
  CreateRequest with_image;
  with_image.prompt = "x";
  with_image.size = "720x1280";
  EXPECT_FALSE(validate_create(with_image, image));
  warnings.clear();
  EXPECT_TRUE(validate_create(with_image, image, false, &warnings));
  EXPECT_EQ(warnings.size(), 1u);
  CreateRequest unsized;
  unsized.prompt = "x";
  EXPECT_TRUE(validate_create(unsized, ImageInfo{ImageType::png, 1280, 720}, false, &warnings));
  EXPECT_FALSE(unsized.size);
}

TEST_F(ProfileFixture, Rule9_DurationFieldAndType) {
  auto r = prompt_only();
  r.seconds = "08";
  auto openrouter = make("openrouter");
  EXPECT_EQ(sent_create(openrouter, r).body, R"({"prompt":"a lake","duration":8})");
  auto sglang = make("sglang");
  EXPECT_EQ(sent_create(sglang, r).body, R"({"prompt":"a lake","seconds":8})");
  auto together = make("together");
  EXPECT_EQ(sent_create(together, r).body, R"({"prompt":"a lake","seconds":"08"})");
  r.seconds = "4.5";
  auto plan = sglang.plan_create(r);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::invalid_argument);
}

TEST_F(ProfileFixture, Rule10_ModelIsNotSentWhenTheProfileSaysSo) {
  auto r = prompt_only();
  r.model = "Wan-AI/Wan2.2";
  auto vllm = make("vllm-omni");
  EXPECT_EQ(sent_create(vllm, r).body.find("name=\"model\""), std::string::npos);
  auto openrouter = make("openrouter");
  EXPECT_EQ(sent_create(openrouter, r).body, R"({"prompt":"a lake","model":"Wan-AI/Wan2.2"})");
  // A job found after a lost answer is matched without comparing the model (servers rename it).
  transport->push(fail_with(ErrorCode::network));
  transport->push(reply(200, R"({"object":"list","data":[{"id":"video_9","status":"queued",)"
                             R"("prompt":"a lake","model":"sora-2","created_at":0}],)"
                             R"("has_more":false})"));
  auto v = openrouter.create(r);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->id, "video_9");
}

// together-ai 0.52.0's VideoCreateParams has width and height (no size), and takes frame and
// reference images inside `media` (its top-level frame_images and reference_images are
// deprecated). Local files stream into the nested object in order.
TEST_F(ProfileFixture, TogetherSendsWidthHeightAndNestsImagesInMedia) {
  auto together = make("together");
  auto r = prompt_only();
  r.size = "1280x720";
  r.image = k_png;
  r.last_frame = k_png;
  r.references = {k_png};
  r.reference_urls = {"https://img.example.com/r.png"};
  const auto& body = sent_create(together, r).body;
  EXPECT_EQ(body.find("\"size\""), std::string::npos) << body;
  EXPECT_NE(
      body.find(R"("width":1280,"height":720,"media":{"frame_images":[{"input_image":"data:)"),
      std::string::npos)
      << body;
  auto last = body.find(R"(","frame":"first"},{"input_image":"data:image/png;base64,)");
  EXPECT_NE(last, std::string::npos) << body;
  auto refs = body.find(R"(","frame":"last"}],"reference_images":["data:image/png;base64,)");
  EXPECT_GT(refs, last) << body;
  EXPECT_NE(body.find(R"(","https://img.example.com/r.png"]}})"), std::string::npos) << body;
  auto bad = prompt_only();
  bad.size = "720p";
  EXPECT_EQ(together.plan_create(bad).error().code, ErrorCode::invalid_argument);
}

TEST(Profiles, Rule25_TheOptionalOperationsEachBuiltInProfileKnows) {
  // compatible-servers.md section 2: remix on OpenAI, Azure, LiteLLM, new-api; edits and
  // extensions on OpenAI and LiteLLM; list and delete per server; absent means unknown.
  const std::map<std::string, std::map<Operation, bool>> expected{
      {"openai",
       {{Operation::remix, true},
        {Operation::extend, true},
        {Operation::edit, true},
        {Operation::list, true},
        {Operation::remove, true}}},
      {"litellm",
       {{Operation::remix, true},
        {Operation::extend, true},
        {Operation::edit, true},
        {Operation::list, true},
        {Operation::remove, true}}},
      {"vllm-omni",
       {{Operation::remix, false},
        {Operation::extend, false},
        {Operation::edit, false},
        {Operation::list, true},
        {Operation::remove, true}}},
      {"sglang",
       {{Operation::remix, false},
        {Operation::extend, false},
        {Operation::edit, false},
        {Operation::list, true},
        {Operation::remove, true}}},
      {"new-api", {{Operation::remix, true}, {Operation::list, false}, {Operation::remove, false}}},
      {"openrouter",
       {{Operation::remix, false},
        {Operation::extend, false},
        {Operation::edit, false},
        {Operation::list, false},
        {Operation::remove, false}}},
      {"together",
       {{Operation::remix, false}, {Operation::extend, false}, {Operation::edit, false}}},
      {"azure", {{Operation::remix, true}, {Operation::list, true}, {Operation::remove, true}}}};
  ASSERT_EQ(builtin_profiles().size(), expected.size());
  for (const auto& profile : builtin_profiles()) {
    ASSERT_TRUE(expected.contains(profile.name)) << profile.name;
    EXPECT_EQ(profile.operations, expected.at(profile.name)) << profile.name;
  }
  for (auto op :
       {Operation::remix, Operation::extend, Operation::edit, Operation::list, Operation::remove})
    EXPECT_EQ(parse_operation(to_string(op)), op);
  EXPECT_EQ(to_string(Operation::remove), "delete");
  EXPECT_FALSE(parse_operation("remove"));
}

TEST(Profiles, Rule25_AnOperationKnownMissingIsRefusedBeforeSending) {
  auto refused = check_operation(*find_builtin_profile("openrouter"), Operation::extend);
  ASSERT_FALSE(refused);
  const Error& e = refused.error();
  EXPECT_EQ(e.code, ErrorCode::invalid_argument);
  EXPECT_FALSE(e.request_sent);
  EXPECT_NE(e.message.find("'openrouter'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("extend"), std::string::npos) << e.message;
  EXPECT_EQ(e.setting, "profile");
  EXPECT_EQ(e.hint_values, (std::vector<std::string>{"openai", "litellm"}));
  // The CLI words the setting as its flag; the core's hint names none.
  EXPECT_EQ(e.hint.find("--"), std::string::npos) << e.hint;
  EXPECT_NE(cli::hint_for(e).find("--profile openai, litellm"), std::string::npos)
      << cli::hint_for(e);
  // Known to have it, or unknown (a profile of the config file's own): allowed.
  EXPECT_TRUE(check_operation(*find_builtin_profile("openai"), Operation::extend));
  EXPECT_TRUE(check_operation(*find_builtin_profile("new-api"), Operation::extend));
  EXPECT_TRUE(check_operation(Profile{}, Operation::remix));
}
