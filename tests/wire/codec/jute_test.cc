#include "zk/wire/jute.h"

#include <catch2/catch.hpp>

#include "codec_test_util.h"
#include "zk/wire/records.h"

namespace zk::wire {
namespace {

using testing::FromHex;
using testing::ToHex;

}  // namespace

TEST_CASE("jute Writer: big-endian primitives, buffers, nulls and vectors", "[codec][jute]") {
  std::string out = "xx";  // appends, keeps what is there
  Writer w(&out);
  w.Int(-2);
  w.Long(0x0102030405060708);
  w.Bool(true);
  w.Bool(false);
  w.Byte(0xab);
  w.Buffer("hi");
  w.String("");
  w.NullableBuffer(std::nullopt);
  w.NullableString(std::string("z"));
  w.StringVector({"a", "bc"});
  w.Null();
  w.Enum(OpCode::kWhoAmI);
  CHECK(out.substr(0, 2) == "xx");
  CHECK(ToHex(out.substr(2)) ==
        "fffffffe"
        "0102030405060708"
        "01"
        "00"
        "ab"
        "000000026869"
        "00000000"
        "ffffffff"
        "000000017a"
        "00000002"
        "0000000161"
        "000000026263"
        "ffffffff"
        "0000006b");
  CHECK(w.size() == out.size());
  w.PatchInt(2, 0x11223344);
  CHECK(ToHex(out.substr(2, 4)) == "11223344");
}

TEST_CASE("jute Reader: reads what Writer wrote", "[codec][jute]") {
  std::string bytes = FromHex(
      "fffffffe 8000000000000000 01 02 00 00000002 6869 ffffffff 00000000 "
      "00000002 00000001 61 ffffffff");
  Reader r(bytes);
  int32_t i = 0;
  int64_t l = 0;
  bool b1 = false, b2 = false, b3 = true;
  std::string s;
  std::optional<std::string> null_buf = "x", empty_buf;
  std::vector<std::string> v;
  REQUIRE(r.Int(&i));
  REQUIRE(r.Long(&l));
  REQUIRE(r.Bool(&b1));
  REQUIRE(r.Bool(&b2));  // any non-zero byte is true, as in Java
  REQUIRE(r.Bool(&b3));
  REQUIRE(r.String(&s));
  REQUIRE(r.NullableBuffer(&null_buf));
  REQUIRE(r.NullableBuffer(&empty_buf));
  REQUIRE(r.StringVector(&v));
  CHECK(i == -2);
  CHECK(l == INT64_MIN);
  CHECK(b1);
  CHECK(b2);
  CHECK_FALSE(b3);
  CHECK(s == "hi");
  CHECK_FALSE(null_buf.has_value());
  CHECK(empty_buf == std::optional<std::string>(""));
  // A null element string reads as "".
  CHECK(v == std::vector<std::string>{"a", ""});
  CHECK(r.AtEnd());
  CHECK(r.ExpectEnd());
  CHECK(r.status().ok());
}

TEST_CASE("jute Reader: limits, bad lengths and truncation fail with a reason", "[codec][jute]") {
  SECTION("oversized buffer length, with the configured limit in the message") {
    std::string bytes = FromHex("00000001 00000002 00000003 001e8480") + std::string(16, 'x');
    Reader r(bytes, kDefaultJuteMaxBuffer);
    int32_t i = 0;
    REQUIRE(r.Int(&i));
    REQUIRE(r.Int(&i));
    REQUIRE(r.Int(&i));
    std::string s;
    CHECK_FALSE(r.Buffer(&s));
    CHECK(r.status().code() == Error::kMarshallingError);
    CHECK(r.status().message() == "buffer length 2000000 exceeds limit 1048575 at offset 12");
    // Sticky: later reads fail and leave outputs alone.
    i = 42;
    CHECK_FALSE(r.Int(&i));
    CHECK(i == 42);
    CHECK(r.status().message() == "buffer length 2000000 exceeds limit 1048575 at offset 12");
  }
  SECTION("the default limit is jute.maxbuffer + extrasize") {
    CHECK(kDefaultMaxFieldLength == 2097150);
    CHECK(MaxFieldLength(0xfffff) == 2097150);
    CHECK(MaxFieldLength(100) == 100 + 1024);  // extrasize never below 1024
    CHECK(MaxFieldLength(0xfffff, 10) == 0xfffff + 1024);
    CHECK(MaxFieldLength(4096, 8192) == 4096 + 8192);
    std::string bytes = FromHex("00200000");  // 2 MiB > 2097150
    Reader r(bytes);
    std::string s;
    CHECK_FALSE(r.Buffer(&s));
    CHECK(r.status().message() == "buffer length 2097152 exceeds limit 2097150 at offset 0");
  }
  SECTION("negative length other than -1") {
    std::string bytes = FromHex("fffffffe");
    Reader r(bytes);
    std::optional<std::string> s;
    CHECK_FALSE(r.NullableString(&s));
    CHECK(r.status().message() == "negative buffer length -2 at offset 0");
  }
  SECTION("length past the end of the input") {
    std::string bytes = FromHex("00000005 616263");
    Reader r(bytes);
    std::string s;
    CHECK_FALSE(r.String(&s));
    CHECK(r.status().message() == "truncated buffer: length 5, 3 bytes left at offset 0");
  }
  SECTION("truncated primitives") {
    std::string bytes = FromHex("000000");
    Reader r(bytes);
    int32_t i = 0;
    CHECK_FALSE(r.Int(&i));
    CHECK(r.status().message() == "truncated int: need 4 bytes, 3 left at offset 0");
    std::string r2_bytes = FromHex("00000000 000000");
    Reader r2(r2_bytes);
    int64_t l = 0;
    REQUIRE(r2.Int(&i));
    CHECK_FALSE(r2.Long(&l));
    CHECK(r2.status().message() == "truncated long: need 8 bytes, 3 left at offset 4");
  }
  SECTION("vector count larger than the input can hold") {
    std::string bytes = FromHex("7fffffff 00000001 61");
    Reader r(bytes);
    std::vector<std::string> v;
    CHECK_FALSE(r.StringVector(&v));
    CHECK(r.status().message() == "vector count 2147483647 exceeds the 5 bytes left at offset 0");
    // An ACL vector needs 12 bytes per element.
    std::string acl_bytes = FromHex("00000002") + std::string(20, '\0');
    Reader r2(acl_bytes);
    std::vector<Acl> acls;
    CHECK_FALSE(DecodeAcls(r2, &acls));
    CHECK(r2.status().message() == "vector count 2 exceeds the 20 bytes left at offset 0");
  }
  SECTION("negative vector count") {
    std::string r_bytes = FromHex("80000000");
    Reader r(r_bytes);
    std::size_t n = 0;
    CHECK_FALSE(r.VectorCount(1, &n));
    CHECK(r.status().message() == "negative vector count -2147483648 at offset 0");
  }
  SECTION("null vector") {
    std::string r_bytes = FromHex("ffffffff");
    Reader r(r_bytes);
    std::size_t n = 7;
    bool is_null = false;
    REQUIRE(r.VectorCount(4, &n, &is_null));
    CHECK(n == 0);
    CHECK(is_null);
  }
  SECTION("trailing bytes when an exact fit is required") {
    std::string r_bytes = FromHex("00000001 00");
    Reader r(r_bytes);
    int32_t i = 0;
    REQUIRE(r.Int(&i));
    CHECK_FALSE(r.ExpectEnd());
    CHECK(r.status().message() == "1 trailing bytes at offset 4");
  }
  SECTION("Fail keeps the first reason") {
    Reader r("");
    CHECK_FALSE(r.Fail("first"));
    CHECK_FALSE(r.Fail("second"));
    CHECK(r.status().message() == "first at offset 0");
  }
}

TEST_CASE("jute BufferView is zero-copy and null-tolerant", "[codec][jute]") {
  std::string bytes = FromHex("00000003 616263 ffffffff");
  Reader r(bytes);
  std::string_view a, b = "x";
  REQUIRE(r.BufferView(&a));
  REQUIRE(r.BufferView(&b));
  CHECK(a == "abc");
  CHECK(a.data() == bytes.data() + 4);
  CHECK(b.empty());
}

TEST_CASE("jute EncodeRecord/DecodeRecord", "[codec][jute]") {
  Stat stat{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  std::string bytes = EncodeRecord(stat);
  CHECK(bytes.size() == kStatSize);
  CHECK(DecodeRecord<Stat>(bytes).value() == stat);
  Result<Stat> short_stat = DecodeRecord<Stat>(bytes.substr(0, 67));
  REQUIRE_FALSE(short_stat.ok());
  CHECK(short_stat.status().message() == "truncated long: need 8 bytes, 7 left at offset 60");
}

}  // namespace zk::wire
