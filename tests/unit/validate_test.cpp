#include <sora/validate.hpp>

#include <gtest/gtest.h>

using namespace sora;

namespace {

CreateRequest request(std::string prompt = "a calm lake") {
  CreateRequest r;
  r.prompt = std::move(prompt);
  return r;
}

const ImageInfo k_portrait{ImageType::jpeg, 720, 1280};
const ImageInfo k_odd{ImageType::jpeg, 1024, 768};

} // namespace

TEST(ValidateTest, PromptMustBeOneTo32000Characters) {
  EXPECT_FALSE(validate_prompt(""));
  EXPECT_FALSE(validate_prompt("  \n\t"));
  EXPECT_TRUE(validate_prompt(std::string(32000, 'a')));
  auto too_long = validate_prompt(std::string(32001, 'a'));
  ASSERT_FALSE(too_long);
  EXPECT_NE(too_long.error().message.find("32001"), std::string::npos);
  // Characters, not bytes: 32000 three-byte characters are fine.
  std::string wide;
  for (int i = 0; i < 32000; ++i)
    wide += "\xE2\x82\xAC";
  EXPECT_TRUE(validate_prompt(wide));
  EXPECT_FALSE(validate_prompt("bad \xC3 utf8"));
}

TEST(ValidateTest, Utf8LengthCountsCodePoints) {
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("\xC3\xA9t\xC3\xA9"), 3u);
  EXPECT_EQ(utf8_length("\xF0\x9F\x8E\xAC"), 1u);
  EXPECT_FALSE(utf8_length("\xF0\x9F").has_value());
}

TEST(ValidateTest, KnownModelsGetTheirSizesAndDurationsChecked) {
  auto r = request();
  r.seconds = "10";
  auto bad_seconds = validate_create(r, std::nullopt);
  ASSERT_FALSE(bad_seconds);
  EXPECT_NE(bad_seconds.error().hint.find("4, 8, 12"), std::string::npos);

  r = request();
  r.size = "1920x1080";
  EXPECT_FALSE(validate_create(r, std::nullopt)); // sora-2 has no 1080p
  r.model = "sora-2-pro";
  EXPECT_TRUE(validate_create(r, std::nullopt));
  r.model = "sora-2-pro-2025-10-06";
  EXPECT_TRUE(validate_create(r, std::nullopt));
}

TEST(ValidateTest, OtherModelsPassValuesThrough) { // tolerance rule 8
  auto r = request();
  r.model = "wan-2.7";
  r.seconds = "10";
  r.size = "1344x768";
  EXPECT_TRUE(validate_create(r, k_odd));
  EXPECT_EQ(r.size, "1344x768");
}

TEST(ValidateTest, ImageSizeBecomesTheSizeWhenSupported) {
  auto r = request();
  ASSERT_TRUE(validate_create(r, k_portrait));
  EXPECT_EQ(r.size, "720x1280");
}

TEST(ValidateTest, ImageSizeMismatchNamesBothSizes) {
  auto r = request();
  r.size = "1280x720";
  auto e = validate_create(r, k_portrait);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("720x1280"), std::string::npos);
  EXPECT_NE(e.error().message.find("1280x720"), std::string::npos);

  auto unsupported = request();
  auto e2 = validate_create(unsupported, k_odd);
  ASSERT_FALSE(e2);
  EXPECT_NE(e2.error().message.find("1024x768"), std::string::npos);
  EXPECT_EQ(e2.error().code, ErrorCode::invalid_argument);
}
