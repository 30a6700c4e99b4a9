#include "support/temp_dir.hpp"

#include <sora/image.hpp>

#include <gtest/gtest.h>

using namespace sora;

namespace {
const std::string k_data = SORA_TEST_DATA;
}

TEST(ImageTest, ReadsTypeAndSizeOfEverySupportedFormat) {
  struct Case {
    const char* file;
    ImageType type;
    int width, height;
  } cases[] = {{"photo-720x1280.jpg", ImageType::jpeg, 720, 1280},
               {"photo-1024x768.jpg", ImageType::jpeg, 1024, 768},
               {"photo-1280x720.png", ImageType::png, 1280, 720},
               {"photo-1280x720.webp", ImageType::webp, 1280, 720},
               {"sample-thumbnail.webp", ImageType::webp, 0, 0},
               {"sample-spritesheet.jpg", ImageType::jpeg, 0, 0}};
  for (const auto& c : cases) {
    auto info = probe_image(k_data + "/" + c.file);
    ASSERT_TRUE(info) << c.file << ": " << info.error().message;
    EXPECT_EQ(info->type, c.type) << c.file;
    if (c.width) {
      EXPECT_EQ(info->width, c.width) << c.file;
      EXPECT_EQ(info->height, c.height) << c.file;
    } else {
      EXPECT_GT(info->width, 0) << c.file;
    }
  }
}

TEST(ImageTest, MimeTypesAndSizeStrings) {
  EXPECT_EQ(mime_type(ImageType::webp), "image/webp");
  EXPECT_EQ(size_string(ImageInfo{ImageType::png, 1280, 720}), "1280x720");
}

TEST(ImageTest, RejectsNonImagesMissingFilesAndDirectories) {
  test::TempDir dir;
  test::write_file(dir / "clip.mp4", test::read_file(k_data + "/sample-clip.mp4"));
  test::write_file(dir / "notes.txt", "hello");
  test::write_file(dir / "empty.jpg", "");
  for (const char* name : {"clip.mp4", "notes.txt", "empty.jpg", "missing.png"}) {
    auto info = probe_image(dir / name);
    ASSERT_FALSE(info) << name;
    EXPECT_EQ(info.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(info.error().message.find(name), std::string::npos) << info.error().message;
  }
  auto folder = probe_image(dir.path());
  ASSERT_FALSE(folder);
  EXPECT_NE(folder.error().message.find("directory"), std::string::npos);
}

TEST(ImageTest, TruncatedHeadersFailCleanly) {
  std::string png = test::read_file(k_data + "/photo-1280x720.png");
  std::string jpeg = test::read_file(k_data + "/photo-720x1280.jpg");
  for (std::size_t cut : {3u, 9u, 20u}) {
    auto bytes = [&](const std::string& s) {
      return std::span<const unsigned char>(reinterpret_cast<const unsigned char*>(s.data()), cut);
    };
    EXPECT_FALSE(probe_image_bytes(bytes(png))) << cut;
    EXPECT_FALSE(probe_image_bytes(bytes(jpeg))) << cut;
  }
}

TEST(ImageTest, HeadersWithImpossibleSizesAreDamaged) { // found by tests/fuzz
  auto hex = [](const std::string& h) {
    std::vector<unsigned char> out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2)
      out.push_back(static_cast<unsigned char>(std::stoi(h.substr(i, 2), nullptr, 16)));
    return out;
  };
  for (const char* h :
       {"ffd8ffc00011080000000003", "89504e470d0a1a0a0000000d4948445280000000000000000802000000",
        "524946461600000057454250565038200a0000000000009d012a00000000"}) {
    auto bytes = hex(h);
    auto info = probe_image_bytes(bytes);
    ASSERT_FALSE(info) << h;
    EXPECT_EQ(info.error().code, ErrorCode::invalid_argument);
  }
}
