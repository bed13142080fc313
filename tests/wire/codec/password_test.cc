#include "zk/wire/password.h"

#include <catch2/catch.hpp>

#include "codec_test_util.h"

namespace zk::wire {

TEST_CASE("session password: check values computed with java.util.Random", "[codec][password]") {
  CHECK(testing::ToHex(SessionPassword(0x01000009725d0001)) == "8c648dc1b2ed52ed743cd8747f260d4b");
  CHECK(testing::ToHex(SessionPassword(0x01000009725d0002)) == "53019fc1d20ab51e9573a2f2048ccfe3");
  CHECK(testing::ToHex(SessionPassword(0x0200000918510001)) == "a8cf10ca9eb052a5f0426eef4b5111c9");
  // Passwords the C and kazoo captures received.
  CHECK(testing::ToHex(SessionPassword(0x01000009725d0003)) == "662299c1725694638ab6091ed814e4b0");
  CHECK(testing::ToHex(SessionPassword(0x01000009725d0004)) == "c5c77bc192d0f0bb54050ef7fac04ab2");
}

TEST_CASE("session password: CheckSessionPassword", "[codec][password]") {
  const int64_t sid = 0x01000009725d0001;
  std::string pw = SessionPassword(sid);
  CHECK(pw.size() == 16);
  CHECK(CheckSessionPassword(sid, pw));
  CHECK_FALSE(CheckSessionPassword(sid + 1, pw));
  CHECK_FALSE(CheckSessionPassword(sid, pw.substr(0, 15)));
  pw[15] ^= 1;
  CHECK_FALSE(CheckSessionPassword(sid, pw));
  CHECK_FALSE(CheckSessionPassword(sid, std::string(16, '\0')));
  // Negative ids (high bit set) are fine too.
  CHECK(SessionPassword(-1).size() == 16);
  CHECK(SessionPassword(-1) != SessionPassword(0));
}

}  // namespace zk::wire
