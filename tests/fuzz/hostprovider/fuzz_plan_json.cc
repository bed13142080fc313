// Fuzz target: rebalance plans as JSON (hostprovider/plan_json.h). Invariants
// for a plan that parses: it validates; its serialisation parses again and
// serialises to the same text; the JSON value form reads back too. A failure
// is a kBadArguments error whose message names the plan.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "formats/fuzz_check.h"
#include "zk/hostprovider/plan_json.h"

using zk::wire::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto plan = zk::ParsePlan(text);
  if (!plan.ok()) {
    Check(plan.status().code() == zk::Error::kBadArguments, "failures are kBadArguments");
    Check(plan.status().message().starts_with("plan"), "a failure names the plan");
    return 0;
  }
  Check(plan->Validate().ok(), "a parsed plan validates");
  const std::string printed = zk::SerializePlan(*plan);
  auto again = zk::ParsePlan(printed);
  Check(again.ok(), "the serialised plan parses");
  Check(zk::SerializePlan(*again) == printed, "parse(serialise(x)) serialises the same");
  auto from_json = zk::PlanFromJson(zk::PlanToJson(*plan));
  Check(from_json.ok() && zk::SerializePlan(*from_json) == printed, "the JSON value reads back");
  return 0;
}
