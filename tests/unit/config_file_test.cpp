// config.toml parsing and the layering of profiles, config, environment and flags.
#include "config_file.hpp"
#include "settings.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace sora;
using namespace sora::cli;

namespace {

const std::string k_path = "/home/u/.config/sora/config.toml";

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

std::string source_of(const Settings& s, const std::string& key) {
  for (const auto& row : s.rows)
    if (row.key == key) return row.source;
  return "<no row " + key + ">";
}

} // namespace

TEST(ConfigFile, PricesTablesOverrideTheBuiltInPrices) {
  auto config = parse_config(R"(
[prices."sora-2"]
"720x1280" = 0.08
[prices.wan-2]
"*" = 1
)",
                             k_path);
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(config->prices.size(), 2u);
  EXPECT_EQ(config->prices[0].model, "sora-2");
  EXPECT_EQ(config->prices[0].size, "720x1280");
  EXPECT_DOUBLE_EQ(config->prices[0].usd_per_second, 0.08);
  EXPECT_EQ(config->prices[1].size, "*");
  EXPECT_DOUBLE_EQ(config->prices[1].usd_per_second, 1.0); // an integer is a price too
  auto table = sora::PriceTable::builtin();
  table.merge(config->prices);
  EXPECT_DOUBLE_EQ(table.lookup("sora-2", "720x1280").value_or(0), 0.08);
  EXPECT_DOUBLE_EQ(table.lookup("wan-2", "1920x1080").value_or(0), 1.0);

  auto negative = parse_config("[prices.\"sora-2\"]\n\"720x1280\" = -1\n", k_path);
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.error().message.find(":2:"), std::string::npos) << negative.error().message;
  EXPECT_FALSE(parse_config("[prices]\nsora-2 = 0.1\n", k_path)); // not a table of sizes
}

TEST(ConfigFile, ParsesAGoodFile) {
  auto config = parse_config(R"(
profile = "gw"

[profiles.gw]
base_url = "https://gw.example.com/v1"
api_key_env = "GW_KEY"
api_key_file = "gw.key"
auth = "header:x-litellm-api-key"
headers = { X-Team = "video" }
query = { custom_llm_provider = "openai" }
encoding = "json"
image_field = "image"
image_url_field = "image_reference"
image_shape = "url"
duration_field = "duration"
duration_type = "int"
send_model = false
model = "wan-2.2"
size = "1344x768"
seconds = 6
)",
                             k_path);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->profile, "gw");
  ASSERT_TRUE(config->profiles.contains("gw"));
  const auto& p = config->profiles.at("gw");
  EXPECT_EQ(p.base_url, "https://gw.example.com/v1");
  EXPECT_EQ(p.api_key_file, "/home/u/.config/sora/gw.key"); // relative to the file's folder
  EXPECT_EQ(p.auth, "header:x-litellm-api-key");
  ASSERT_TRUE(p.headers);
  EXPECT_EQ(p.headers->at(0), (std::pair<std::string, std::string>{"X-Team", "video"}));
  EXPECT_EQ(p.seconds, "6"); // an integer is accepted
  EXPECT_EQ(p.send_model, false);
}

TEST(ConfigFile, UnknownKeyNamesTheLineAndTheValidKeys) {
  auto config =
      parse_config("[profiles.gw]\nbase_url = \"https://x/v1\"\n\nimage_feld = \"x\"\n", k_path);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(config.error().message.find(k_path + ":4:"), std::string::npos)
      << config.error().message;
  EXPECT_NE(config.error().message.find("image_feld"), std::string::npos);
  EXPECT_NE(config.error().hint.find("image_field"), std::string::npos);
  auto top = parse_config("profle = \"x\"\n", k_path);
  ASSERT_FALSE(top);
  EXPECT_NE(top.error().message.find(":1:"), std::string::npos);
}

TEST(ConfigFile, BadValuesAreErrorsWithTheirLine) {
  auto auth = parse_config("[profiles.a]\n\nauth = \"basic\"\n", k_path);
  ASSERT_FALSE(auth);
  EXPECT_NE(auth.error().message.find(":3:"), std::string::npos) << auth.error().message;
  EXPECT_NE(auth.error().hint.find("header:NAME"), std::string::npos);
  EXPECT_FALSE(parse_config("[profiles.a]\nencoding = \"xml\"\n", k_path));
  EXPECT_FALSE(parse_config("[profiles.a]\nimage_shape = \"frames\"\n", k_path));
  EXPECT_FALSE(parse_config("[profiles.a]\nduration_type = \"float\"\n", k_path));
  EXPECT_FALSE(parse_config("[profiles.a]\nsend_model = \"no\"\n", k_path));
  EXPECT_FALSE(parse_config("[profiles.a]\nheaders = { A = 1 }\n", k_path));
  EXPECT_FALSE(parse_config("[profiles.a]\nbase_url = \"api.example.com\"\n", k_path));
  auto syntax = parse_config("[profiles.a\n", k_path);
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.error().message.find(k_path + ":1:"), std::string::npos);
}

TEST(ConfigFile, PathFollowsSoraConfigThenXdgThenHome) {
  bool explicit_path = false;
  EXPECT_EQ(config_path("/etc/s.toml", "/x", "/h", explicit_path), "/etc/s.toml");
  EXPECT_TRUE(explicit_path);
  EXPECT_EQ(config_path(nullptr, "/x", "/h", explicit_path), "/x/sora/config.toml");
  EXPECT_FALSE(explicit_path);
  EXPECT_EQ(config_path("", "", "/h", explicit_path), "/h/.config/sora/config.toml");
}

TEST(Settings, Rule1_Rule2_AConfigProfileOverridesABuiltInOne) {
  auto config = parse_config(R"([profiles.openrouter]
base_url = "https://or.example.com/api/v1"
auth = "raw"
query = { a = "1" }
)",
                             k_path);
  ASSERT_TRUE(config);
  auto s = resolve_settings(*config, {"openrouter", {}, {}}, env_of({}));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->effective.base_url, "https://or.example.com/api/v1");
  EXPECT_EQ(s->effective.auth, AuthScheme::raw);
  EXPECT_EQ(s->effective.style.duration_field, "duration"); // untouched built-in keys stay
  EXPECT_EQ(s->effective.style.query.size(), 1u);
  EXPECT_EQ(source_of(*s, "base_url"), "config " + k_path + " [profiles.openrouter]");
  EXPECT_EQ(source_of(*s, "duration_field"), "built-in profile openrouter");
}

TEST(Settings, PrecedenceIsFlagsThenEnvThenProfile) {
  auto config = parse_config("profile = \"sglang\"\n[profiles.sglang]\nbase_url = "
                             "\"http://gpu:30010/v1\"\n",
                             k_path);
  ASSERT_TRUE(config);
  auto from_config = resolve_settings(*config, {}, env_of({}));
  ASSERT_TRUE(from_config);
  EXPECT_EQ(from_config->profile, "sglang");
  EXPECT_EQ(from_config->effective.base_url, "http://gpu:30010/v1");
  auto from_env = resolve_settings(
      *config, {}, env_of({{"SORA_PROFILE", "vllm-omni"}, {"SORA_BASE_URL", "http://e/v1"}}));
  ASSERT_TRUE(from_env);
  EXPECT_EQ(from_env->profile, "vllm-omni");
  EXPECT_EQ(source_of(*from_env, "profile"), "env SORA_PROFILE");
  EXPECT_EQ(from_env->effective.base_url, "http://e/v1");
  EXPECT_EQ(source_of(*from_env, "base_url"), "env SORA_BASE_URL");
  auto from_flags =
      resolve_settings(*config, {"together", "http://f/v2", {}},
                       env_of({{"SORA_PROFILE", "vllm-omni"}, {"SORA_BASE_URL", "http://e/v1"}}));
  ASSERT_TRUE(from_flags);
  EXPECT_EQ(from_flags->profile, "together");
  EXPECT_EQ(from_flags->effective.base_url, "http://f/v2");
  EXPECT_EQ(source_of(*from_flags, "base_url"), "flag --base-url");
  // OPENAI_BASE_URL is OpenAI's own variable: it applies to the openai profile only.
  auto openai = resolve_settings({}, {}, env_of({{"OPENAI_BASE_URL", "http://o/v1"}}));
  EXPECT_EQ(openai->effective.base_url, "http://o/v1");
  auto other = resolve_settings({}, {"together", {}, {}}, env_of({{"OPENAI_BASE_URL", "x"}}));
  EXPECT_EQ(other->effective.base_url, "https://api.together.ai/v2");
}

TEST(Settings, TheKeyComesFromTheRightPlaceAndIsNeverShown) {
  // An explicit --api-key-file wins over the environment.
  auto file = resolve_settings({}, {{}, {}, "/k"}, env_of({{"SORA_API_KEY", "sk-env-1234"}}));
  ASSERT_TRUE(file);
  EXPECT_FALSE(file->api_key);
  EXPECT_EQ(file->api_key_file, "/k");
  auto sora_env = resolve_settings(
      {}, {"openrouter", {}, {}},
      env_of({{"SORA_API_KEY", "sk-env-1234"}, {"OPENROUTER_API_KEY", "sk-or-5678"}}));
  EXPECT_EQ(sora_env->api_key, "sk-env-1234");
  auto own = resolve_settings(
      {}, {"openrouter", {}, {}},
      env_of({{"OPENROUTER_API_KEY", "sk-or-5678"}, {"OPENAI_API_KEY", "sk-openai-9999"}}));
  EXPECT_EQ(own->api_key, "sk-or-5678");
  EXPECT_EQ(source_of(*own, "api_key"), "env OPENROUTER_API_KEY");
  // OpenAI's key is never sent to another provider.
  auto none =
      resolve_settings({}, {"together", {}, {}}, env_of({{"OPENAI_API_KEY", "sk-openai-9999"}}));
  EXPECT_FALSE(none->api_key);
  for (const auto& row : own->rows) {
    EXPECT_EQ(row.value.find("sk-or-5678"), std::string::npos) << row.key;
    EXPECT_EQ(row.source.find("sk-or-5678"), std::string::npos) << row.key;
  }
}

TEST(Settings, AnUnknownProfileListsTheNames) {
  auto config = parse_config("[profiles.mine]\nbase_url = \"http://127.0.0.1:1/v1\"\n", k_path);
  ASSERT_TRUE(config);
  auto s = resolve_settings(*config, {"nope", {}, {}}, env_of({}));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(s.error().message.find("nope"), std::string::npos);
  EXPECT_NE(s.error().hint.find("openai, litellm, vllm-omni, sglang, new-api, openrouter, "
                                "together, azure, mine"),
            std::string::npos)
      << s.error().hint;
  // A profile only the config defines gets OpenAI's shape without OpenAI's value checks.
  auto mine = resolve_settings(*config, {"mine", {}, {}}, env_of({}));
  ASSERT_TRUE(mine);
  EXPECT_FALSE(mine->effective.style.openai_enums);
  EXPECT_EQ(source_of(*mine, "encoding"), "default");
}

TEST(Settings, Rule25_OperationsAreKnownPerProfileAndAConfigFileMayDeclareThem) {
  // The built-in table (compatible-servers.md section 2).
  auto openrouter = resolve_settings({}, {"openrouter", {}, {}}, env_of({}));
  ASSERT_TRUE(openrouter);
  EXPECT_FALSE(check_operation(openrouter->effective, Operation::extend));
  EXPECT_FALSE(check_operation(openrouter->effective, Operation::remix));
  for (const auto& row : openrouter->rows) { // what `sora config` shows
    if (row.key == "operations") {
      EXPECT_EQ(row.value, "lacks remix, extend, edit, list, delete");
    }
  }
  // A profile only the config defines knows nothing: everything is allowed (rule 25 at run time).
  auto config = parse_config(R"([profiles.gw]
base_url = "https://gw.example.com/v1"

[profiles.openrouter]
operations = { remix = true }
)",
                             k_path);
  ASSERT_TRUE(config) << config.error().message;
  auto gw = resolve_settings(*config, {"gw", {}, {}}, env_of({}));
  ASSERT_TRUE(gw);
  EXPECT_TRUE(gw->effective.operations.empty());
  EXPECT_TRUE(check_operation(gw->effective, Operation::extend));
  // A declared operation overrides the built-in profile's; the others stay.
  auto declared = resolve_settings(*config, {"openrouter", {}, {}}, env_of({}));
  ASSERT_TRUE(declared);
  EXPECT_TRUE(check_operation(declared->effective, Operation::remix));
  EXPECT_FALSE(check_operation(declared->effective, Operation::extend));
  // Bad declarations name their line.
  auto unknown = parse_config("[profiles.a]\n\noperations = { rewind = false }\n", k_path);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find(":3:"), std::string::npos) << unknown.error().message;
  EXPECT_NE(unknown.error().hint.find("remix, extend, edit, list or delete"), std::string::npos);
  EXPECT_FALSE(parse_config("[profiles.a]\noperations = { remix = \"no\" }\n", k_path));
  EXPECT_FALSE(parse_config("[profiles.a]\noperations = [\"remix\"]\n", k_path));
}
