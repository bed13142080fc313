// The java.util.Properties text format, which is what every ZooKeeper
// configuration text really is: zoo.cfg, the dynamic files, the data of
// /zookeeper/config and reconfig -members/-file input are all read with
// Properties.load.
//
// Syntax (as Properties.load): a logical line is `key=value`, `key:value` or
// `key value`; whitespace is ' ', '\t', '\f'; lines whose first non-blank
// character is '#' or '!' are comments; blank lines are skipped; a line ending
// in an odd number of backslashes continues on the next line; escapes \t \n \r
// \f \uXXXX and \<any> (the character itself) are decoded. Leading whitespace
// of a value is dropped, trailing whitespace is kept (callers trim, as
// ZooKeeper does).
#ifndef ZK_WIRE_JAVA_PROPERTIES_H_
#define ZK_WIRE_JAVA_PROPERTIES_H_

#include <string>
#include <string_view>
#include <vector>

#include "zk/wire/status.h"

namespace zk::wire {

struct PropertyEntry {
  std::string key;
  std::string value;
  int line = 0;  // 1-based number of the physical line the entry starts on
};

// Parses `text`. A key given twice keeps the place of its first occurrence
// and takes the later value and line (Java's put replaces the value in
// place). The only syntax error Java knows is a malformed \uXXXX escape,
// reported as kBadArguments with its line number.
Result<std::vector<PropertyEntry>> LoadProperties(std::string_view text);

// The order a java.util.Properties holding `entries` (inserted in vector
// order) iterates them; see java_order.h.
std::vector<const PropertyEntry*> InJavaOrder(const std::vector<PropertyEntry>& entries);

}  // namespace zk::wire

#endif  // ZK_WIRE_JAVA_PROPERTIES_H_
