#include "api/multipart.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

using namespace sora;
using namespace sora::detail;

namespace {

std::string drain(BodySource& body, std::size_t chunk) {
  std::string out;
  std::string buffer(chunk, '\0');
  while (true) {
    auto n = body.read(std::span<char>(buffer.data(), buffer.size()));
    EXPECT_TRUE(n);
    if (!n || *n == 0) break;
    out.append(buffer.data(), *n);
  }
  return out;
}

} // namespace

TEST(MultipartTest, GoldenBytesWithAFilePart) {
  test::TempDir dir;
  test::write_file(dir / "frame.jpg", "JPEGDATA");
  MultipartBody body("BOUNDARY");
  body.add_field("prompt", "a lake");
  body.add_field("size", "720x1280");
  ASSERT_TRUE(body.add_file("input_reference", dir / "frame.jpg", "image/jpeg"));
  std::string expected =
      "--BOUNDARY\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na lake\r\n"
      "--BOUNDARY\r\nContent-Disposition: form-data; name=\"size\"\r\n\r\n720x1280\r\n"
      "--BOUNDARY\r\nContent-Disposition: form-data; name=\"input_reference\"; "
      "filename=\"frame.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nJPEGDATA\r\n"
      "--BOUNDARY--\r\n";
  EXPECT_EQ(body.content_type(), "multipart/form-data; boundary=BOUNDARY");
  EXPECT_EQ(body.size(), expected.size());
  EXPECT_EQ(drain(body, 5), expected);
  ASSERT_TRUE(body.rewind());
  EXPECT_EQ(drain(body, 4096), expected);
}

TEST(MultipartTest, StreamsLargeFilesInSmallReads) {
  test::TempDir dir;
  std::string big(3 * 1024 * 1024 + 17, '\0');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>(i * 31);
  test::write_file(dir / "big.png", big);
  MultipartBody body;
  ASSERT_TRUE(body.add_file("input_reference", dir / "big.png", "image/png"));
  std::string all = drain(body, 65536);
  EXPECT_EQ(all.size(), body.size());
  EXPECT_NE(all.find(big), std::string::npos);
}

TEST(MultipartTest, MissingFileIsAnInvalidArgument) {
  MultipartBody body;
  auto ok = body.add_file("input_reference", "/nonexistent/x.jpg", "image/jpeg");
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().code, ErrorCode::invalid_argument);
}

TEST(MultipartTest, RandomBoundariesDiffer) {
  MultipartBody a, b;
  EXPECT_NE(a.content_type(), b.content_type());
}
