// Server lists, the identity rule, and the difference between two lists.
//
// Identity rule. Two entries name the same server iff their host strings are
// equal after normalisation and their ports are equal. Normalisation is
// lowercasing (ASCII) and removing one pair of brackets around an IPv6
// literal; nothing else. There is no DNS resolution: "db1:2181" and
// "10.0.0.5:2181" are two different servers even if one resolves to the
// other, and "h:2181" and "h:2182" are always two servers. This is the rule of
// zk::HostPort (wire/host_port.h). Consequence, documented in
// docs/hostprovider.md: an ensemble whose configuration switches from names
// to addresses looks to the provider like a full replacement of every server,
// so such a switch should be made with a client list that is renamed as a
// whole in one update, knowing that every client then moves once.
//
// (The Java client compares addresses after resolution *or* host strings, and
// its C client compares resolved socket addresses only; both therefore depend
// on what DNS answered at that moment. A pure policy cannot, and a rule that
// two runs agree on is worth more here than merging aliases.)
#ifndef ZK_HOSTPROVIDER_SERVER_LIST_H_
#define ZK_HOSTPROVIDER_SERVER_LIST_H_

#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

#include "zk/wire/host_port.h"
#include "zk/wire/status.h"

namespace zk {

// An index into a ServerList; kNoServer means "none".
inline constexpr uint32_t kNoServer = std::numeric_limits<uint32_t>::max();

// The normal form under the identity rule: host lowercased, brackets around
// an IPv6 literal removed; the port unchanged.
HostPort NormalizeHostPort(HostPort h);

// True iff a and b name the same server under the identity rule.
bool SameServer(const HostPort& a, const HostPort& b);

// An immutable list of distinct servers, in the order given. Copyable.
class ServerList {
 public:
  // Normalises every entry and drops later duplicates (the first occurrence
  // keeps its position). Errors (kBadArguments): an empty list, an empty
  // host, port 0, or more than 2^31 entries.
  static Result<ServerList> Create(std::vector<HostPort> servers);

  ServerList() = default;

  uint32_t size() const { return static_cast<uint32_t>(hosts_.size()); }
  bool empty() const { return hosts_.empty(); }
  // REQUIRES: i < size()
  const HostPort& at(uint32_t i) const { return hosts_[i]; }
  const std::vector<HostPort>& hosts() const { return hosts_; }

  // The index of h (normalised first), or kNoServer.
  uint32_t IndexOf(const HostPort& h) const;

  // True iff both lists hold the same servers, in any order.
  bool SameSet(const ServerList& other) const;

 private:
  std::vector<HostPort> hosts_;
  std::unordered_map<HostPort, uint32_t> index_;
};

// How a new list relates to the previous one: kept servers (M = S ∩ S'),
// added ones (N = S' \ S) and removed ones (O = S \ S').
struct ListChange {
  uint32_t old_size = 0;             // |S|
  uint32_t new_size = 0;             // |S'|
  uint32_t kept = 0;                 // |M|
  uint32_t added = 0;                // |N|
  uint32_t removed = 0;              // |O|
  std::vector<uint32_t> old_to_new;  // per old index: its new index, or kNoServer
  std::vector<uint8_t> is_added;     // per new index: 1 iff the server is in N

  bool SameSet() const { return added == 0 && removed == 0; }
};

ListChange DiffLists(const ServerList& old_list, const ServerList& new_list);

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_SERVER_LIST_H_
