#include <sora/cost.hpp>
#include <sora/validate.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace sora;

TEST(PriceTable, TheBuiltInTableIsDataPricesJsonAndPricesEveryKnownModelAndSize) {
  const auto& table = PriceTable::builtin();
  ASSERT_FALSE(table.entries().empty()) << "data/prices.json did not parse";
  EXPECT_NE(table.source().find("developers.openai.com"), std::string::npos);
  EXPECT_FALSE(table.as_of().empty());
  EXPECT_DOUBLE_EQ(*table.lookup("sora-2", "720x1280"), 0.10);
  EXPECT_DOUBLE_EQ(*table.lookup("sora-2", "1280x720"), 0.10);
  EXPECT_DOUBLE_EQ(*table.lookup("sora-2-pro", "1280x720"), 0.30);
  EXPECT_DOUBLE_EQ(*table.lookup("sora-2-pro", "1792x1024"), 0.50);
  EXPECT_DOUBLE_EQ(*table.lookup("sora-2-pro", "1920x1080"), 0.70);
  for (const char* snapshot : {"sora-2-2025-10-06", "sora-2-2025-12-08"})
    EXPECT_DOUBLE_EQ(*table.lookup(snapshot, "720x1280"), 0.10) << snapshot;
  EXPECT_DOUBLE_EQ(*table.lookup("sora-2-pro-2025-10-06", "1080x1920"), 0.70);

  // The file compiled in is the file in the source tree (one source of truth).
  std::ifstream in(std::string(SORA_SOURCE_DIR) + "/data/prices.json", std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), {}};
  auto from_file = PriceTable::parse(text);
  ASSERT_TRUE(from_file) << from_file.error().message;
  ASSERT_EQ(from_file->entries().size(), table.entries().size());
}

TEST(PriceTable, EverySizeSoraAcceptsForOpenAIsModelsHasAPrice) {
  for (const char* model :
       {"sora-2", "sora-2-2025-10-06", "sora-2-2025-12-08", "sora-2-pro", "sora-2-pro-2025-10-06"})
    for (const auto& size : supported_sizes(model))
      EXPECT_TRUE(PriceTable::builtin().lookup(model, size)) << model << " at " << size;
}

TEST(PriceTable, UnknownModelsAndSizesHaveNoPrice) {
  const auto& table = PriceTable::builtin();
  EXPECT_FALSE(table.lookup("veo-3", "720x1280"));
  EXPECT_FALSE(table.lookup("sora-2", "1920x1080")); // a pro-only size
}

TEST(PriceTable, OverridesReplaceEntriesAndAddNewOnes) {
  PriceTable table = PriceTable::builtin();
  auto overrides = PriceTable::parse(
      R"({"prices":{"sora-2":{"720x1280":0.08},"wan-2.5":{"*":0.05,"1920x1080":0.12}}})",
      "mine.json");
  ASSERT_TRUE(overrides) << overrides.error().message;
  table.merge(*overrides);
  EXPECT_DOUBLE_EQ(*table.lookup("sora-2", "720x1280"), 0.08);
  EXPECT_DOUBLE_EQ(*table.lookup("sora-2", "1280x720"), 0.10);   // untouched
  EXPECT_DOUBLE_EQ(*table.lookup("wan-2.5", "640x480"), 0.05);   // "*": any size
  EXPECT_DOUBLE_EQ(*table.lookup("wan-2.5", "1920x1080"), 0.12); // exact beats "*"

  table.merge({PriceEntry{"sora-2-pro", "1280x720", 0.25}}); // e.g. a config file's [prices]
  EXPECT_DOUBLE_EQ(*table.lookup("sora-2-pro", "1280x720"), 0.25);
}

TEST(PriceTable, BadFilesAreRejectedNamingTheProblem) {
  auto not_json = PriceTable::parse("{", "p.json");
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(not_json.error().message.find("p.json"), std::string::npos);
  EXPECT_FALSE(PriceTable::parse(R"({"sora-2":{"720x1280":0.1}})"));
  EXPECT_FALSE(PriceTable::parse(R"({"prices":{"sora-2":0.1}})"));
  auto negative = PriceTable::parse(R"({"prices":{"sora-2":{"720x1280":-1}}})");
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.error().message.find("720x1280"), std::string::npos);
  EXPECT_FALSE(PriceTable::parse(R"({"prices":{"sora-2":{"720x1280":"0.1"}}})"));
}

TEST(Estimate, UnsetValuesTakeTheApiDefaults) {
  auto e = estimate(PriceTable::builtin(), {}, {}, {});
  EXPECT_EQ(e.model, "sora-2");
  EXPECT_EQ(e.size, "720x1280");
  EXPECT_EQ(e.seconds, "4");
  ASSERT_TRUE(e.usd);
  EXPECT_DOUBLE_EQ(*e.usd, 0.40);
}

TEST(Estimate, MultipliesThePricePerSecondByTheDuration) {
  auto e = estimate(PriceTable::builtin(), "sora-2-pro", "1920x1080", "20");
  ASSERT_TRUE(e.usd);
  EXPECT_DOUBLE_EQ(*e.usd_per_second, 0.70);
  EXPECT_NEAR(*e.usd, 14.0, 1e-9);
}

TEST(Estimate, UnknownModelsGiveNoAmountAndSayWhy) {
  auto e = estimate(PriceTable::builtin(), "veo-3", {}, "8");
  EXPECT_FALSE(e.usd);
  EXPECT_FALSE(e.usd_per_second);
  EXPECT_NE(e.unknown_reason.find("veo-3"), std::string::npos);
  auto odd = estimate(PriceTable::builtin(), {}, {}, "eight");
  EXPECT_FALSE(odd.usd);
  EXPECT_NE(odd.unknown_reason.find("eight"), std::string::npos);
}

TEST(Estimate, FormatsDollars) {
  EXPECT_EQ(format_usd(0.4), "$0.40");
  EXPECT_EQ(format_usd(14), "$14.00");
  EXPECT_EQ(format_usd(0.8000000001), "$0.80");
  EXPECT_EQ(format_usd(0), "$0.00");
  EXPECT_EQ(format_usd(0.004), "$0.004");
}
