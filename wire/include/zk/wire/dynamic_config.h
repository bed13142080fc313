// The dynamic configuration of an ensemble: what /zookeeper/config holds, what
// the zoo.cfg.dynamic.<version> files hold, and what reconfig -members/-file
// send. In text form:
//
//   server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2191
//   server.2=127.0.0.1:2882:3882:participant;127.0.0.1:2192
//   group.1=1:2                  (hierarchical quorums only)
//   weight.1=1                   (hierarchical quorums only)
//   version=100000000
//
// ZooKeeper prints the server, group and weight lines in the iteration order
// of Java HashMaps, so the same members can be printed in different orders
// depending on how the map was built (java_order.h). DynamicConfig keeps that
// history: a parsed config orders its members as ZooKeeper's parser would
// (`new QuorumMaj(properties)`), Upsert/Remove act like HashMap put/remove,
// and CopyForIncrementalReconfig() models the leader's
// `new HashMap<>(lastSeen.getAllMembers())`. Ids smaller than the table size
// come out in ascending order (a parsed config of up to 12 members has 16
// buckets); a copied map can be smaller (2 buckets for one member), so even
// small ids can come out of order after an incremental reconfig.
//
// To reproduce an incremental reconfig exactly:
//   DynamicConfig next = last_seen.CopyForIncrementalReconfig();
//   for (id : leaving) next.Remove(id);
//   for (s : joining) next.Upsert(s);
//   next.set_version(zxid);
//   next.ToText()                      -> the SetDataTxn data (/zookeeper/config),
//                                         and the leader's reply to reconfig
//   DynamicConfig::Parse(that).ToText() -> a follower's reply to reconfig (it
//                                         prints its own parsed config)
// A bulk reconfig is ParseMembers(newMembers) with set_version(zxid).
//
// Value type; not thread-safe.
#ifndef ZK_WIRE_DYNAMIC_CONFIG_H_
#define ZK_WIRE_DYNAMIC_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zk/wire/java_order.h"
#include "zk/wire/java_properties.h"
#include "zk/wire/server_spec.h"
#include "zk/wire/status.h"

namespace zk::wire {

struct ServerGroup {
  int64_t id = 0;
  std::vector<int64_t> members;  // in the order given
  friend bool operator==(const ServerGroup&, const ServerGroup&) = default;
};

struct ServerWeight {
  int64_t server_id = 0;
  int64_t weight = 1;
  friend bool operator==(const ServerWeight&, const ServerWeight&) = default;
};

struct DynamicConfigOptions {
  ServerSpecOptions spec;
  // The static standaloneEnabled flag (ZooKeeper's default: true). It decides
  // which participant counts are legal: with it, observers need at least two
  // participants; without it, at least one participant is required.
  bool standalone_enabled = true;
};

class DynamicConfig {
 public:
  // Empty majority config, version 0.
  DynamicConfig() = default;

  // Parses dynamic config text (the data of /zookeeper/config, a reconfig
  // -file): keys server.<id>, group.<gid>, weight.<id> and version=<hex>; any
  // other key is an error ("Unrecognised parameter: k"). Without a version
  // key the version is 0. Errors name the line: "line 3: server.2: …".
  //
  // Beyond ServerSpec errors: kMarshallingError for a non-numeric
  // server/group/weight id, group member or weight (Java's
  // NumberFormatException), for a version that is not hex, and for the
  // participant counts ZooKeeper rejects (parseDynamicConfig):
  //   "Observers w/o participants is an invalid configuration",
  //   "Observers w/o quorum is an invalid configuration" (one participant,
  //   standalone enabled), "standaloneEnabled = false then number of
  //   participants should be >0".
  // kBadArguments: "Server N is in multiple groups", "Server N is not in a
  // group" (a participant, hierarchical configs only), and, stricter than
  // ZooKeeper: a group member that is not a server, an observer in a group
  // without a weight (both crash ZooKeeper with a NullPointerException), a
  // group without members ("group.1=:"), two keys naming the same id
  // ("server.1" and "server.01"), a negative version.
  static Result<DynamicConfig> Parse(std::string_view text,
                                     const DynamicConfigOptions& options = {});

  // The newMembers string of a bulk reconfig: the leader turns ',' into
  // newlines and parses the result as above (a version key is allowed and
  // later replaced by the reconfig's zxid). Note that "5=…" items are not
  // accepted here ("Unrecognised parameter: 5"), only "server.5=…".
  static Result<DynamicConfig> ParseMembers(std::string_view new_members,
                                            const DynamicConfigOptions& options = {});

  // A dynamic config file: like Parse, but a version key is an error
  // ("dynamic file shouldn't have version inside"); the version comes from
  // the file name (VersionFromDynamicFileName), 0 if it has none.
  static Result<DynamicConfig> ParseDynamicFile(std::string_view text, int64_t version,
                                                const DynamicConfigOptions& options = {});

  // Builds the config from Properties entries (file order). With
  // `legacy_static_file`, keys other than the dynamic ones are ignored (the
  // backward-compatible zoo.cfg); otherwise they are errors. Used by Parse and
  // by ZooCfg.
  static Result<DynamicConfig> FromEntries(const std::vector<PropertyEntry>& entries,
                                           bool legacy_static_file,
                                           const DynamicConfigOptions& options = {});

  int64_t version() const { return version_; }
  void set_version(int64_t version) { version_ = version; }

  // True when the text had group or weight keys (QuorumHierarchical).
  bool is_hierarchical() const { return hierarchical_; }
  const std::vector<ServerGroup>& groups() const { return groups_; }
  // The weights given explicitly; participants without one weigh 1.
  const std::vector<ServerWeight>& weights() const { return weights_; }
  // Weight of `server_id`. Hierarchical: the explicit weight, else 1 for a
  // participant, else 0. Majority: 1 for every member (QuorumMaj.getWeight),
  // 0 for unknown ids.
  int64_t WeightOf(int64_t server_id) const;

  std::size_t size() const { return servers_.size(); }
  const ServerSpec* Find(int64_t id) const;
  // All members (observers included) in the order ToText() prints them.
  std::vector<const ServerSpec*> Servers() const;
  std::size_t ParticipantCount() const;
  std::size_t ObserverCount() const { return size() - ParticipantCount(); }

  // HashMap semantics: Upsert removes a member with the same id and appends
  // `server` (so a replaced member moves to the end of its bucket).
  void Upsert(ServerSpec server);
  bool Remove(int64_t id);

  // A majority config with the same members and version, ordered as the
  // leader's `new HashMap<>(lastSeenQV.getAllMembers())`. Groups and weights
  // are dropped (ZooKeeper allows incremental reconfig of majority configs
  // only).
  DynamicConfig CopyForIncrementalReconfig() const;

  // Checks a config built with Upsert/Remove: hierarchical rules and
  // participant counts, as Parse does.
  Status Validate(const DynamicConfigOptions& options = {}) const;

  // The data of /zookeeper/config, byte for byte as ZooKeeper writes it:
  // server lines, then group and weight lines for a hierarchical config,
  // then "version=<hex>"; '\n' between lines, no newline at the end.
  std::string ToText() const;

  // The content of zoo.cfg.dynamic.<hex version> (writeDynamicConfig): the
  // "key=value" lines of ToText() without the version, sorted as strings
  // (so server.10 comes before server.1), joined by '\n', no final newline.
  std::string ToDynamicFileText() const;
  // The content of zoo.cfg.dynamic.next (a proposed config): the same, with
  // the version line kept (sorted in with the others).
  std::string ToNextDynamicFileText() const;

  // What `config -c` prints for this config: ClientConfigString(ToText()).
  std::string ClientConfigString() const;

  // Same meaning: members (by value), version, quorum kind, and for
  // hierarchical configs the group of every server and the weight of every
  // id (a default weight equals an explicit 1). Print order, the order of
  // group members and how groups were split over keys are not compared, so
  // Parse(x.ToText()) == x.
  friend bool operator==(const DynamicConfig& a, const DynamicConfig& b);

 private:
  std::vector<std::string> SortedFileLines(bool keep_version) const;

  std::map<int64_t, ServerSpec> servers_;
  JavaLongHashMap order_;  // allMembers' iteration order
  bool hierarchical_ = false;
  std::vector<ServerGroup> groups_;    // in Properties iteration order of their keys
  std::vector<ServerWeight> weights_;  // same
  int64_t version_ = 0;
};

// "<static config path>.dynamic.<hex version>", the name ZooKeeper gives a
// committed dynamic config file.
std::string DynamicFileName(std::string_view static_config_path, int64_t version);

// The version ZooKeeper reads from a dynamic file name: the hex text after the
// last '.' ("zoo.cfg.dynamic.100000000" -> 0x100000000); nullopt when that is
// not hex (then ZooKeeper uses version 0).
std::optional<int64_t> VersionFromDynamicFileName(std::string_view file_name);

}  // namespace zk::wire

#endif  // ZK_WIRE_DYNAMIC_CONFIG_H_
