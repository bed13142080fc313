// The static configuration file, zoo.cfg, and the two rewrites ZooKeeper does
// to it: splitting a backward-compatible file (server lines inside) into a
// static and a dynamic part, and pointing dynamicConfigFile at the new file
// after every reconfig.
//
// Example 1 (split form):        Backward-compatible form:
//   tickTime=2000                  tickTime=2000
//   dataDir=/zookeeper/data/zk1    dataDir=/zookeeper/data/zk1
//   dynamicConfigFile=/zk/...      clientPort=2791
//                                  server.1=125.23.63.23:2780:2783:participant
//
// Value type; not thread-safe. No file I/O: the caller reads and writes files.
#ifndef ZK_WIRE_ZOO_CFG_H_
#define ZK_WIRE_ZOO_CFG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zk/wire/dynamic_config.h"
#include "zk/wire/java_properties.h"
#include "zk/wire/status.h"

namespace zk::wire {

// The order in which a rewritten static file lists its keys.
enum class StaticKeyOrder {
  // java.util.Properties iteration order: what ZooKeeper writes.
  kJava,
  // The order of the original file.
  kFile,
};

class ZooCfg {
 public:
  // Parses zoo.cfg text (Properties syntax, see java_properties.h; keys and
  // values trimmed). Every error starts with "line N: " and is kBadArguments,
  // except the dynamic-section errors DynamicConfig reports as
  // kMarshallingError.
  // Checked, as ZooKeeper's QuorumPeerConfig.parseProperties does:
  //  * numeric keys (clientPort, tickTime, initLimit, syncLimit,
  //    minSessionTimeout, maxSessionTimeout, maxClientCnxns, secureClientPort,
  //    observerMasterPort, clientPortListenBacklog,
  //    connectToLearnerMasterLimit, electionAlg (must be 3),
  //    autopurge.snapRetainCount, autopurge.purgeInterval,
  //    quorum.cnxn.threads.size, multiAddress.reachabilityCheckTimeoutMs, and
  //    the jvm.pause.* longs) must be Java ints/longs; clientPort and
  //    secureClientPort must also be valid ports;
  //  * boolean keys (standaloneEnabled, reconfigEnabled, syncEnabled,
  //    localSessionsEnabled, sslQuorum, …) must be true or false, any case;
  //  * peerType must be participant or observer;
  //  * with dynamicConfigFile, no server./group/weight key may appear
  //    ("parameter: server.1 must be in a separate dynamic config file");
  //  * without it, the server./group/weight/version keys form the dynamic
  //    section and are parsed as DynamicConfig does (standaloneEnabled taken
  //    from this file).
  // Unknown keys are kept, in order (ZooKeeper turns them into
  // "zookeeper.<key>" system properties).
  static Result<ZooCfg> Parse(std::string_view text, const ServerSpecOptions& options = {});

  // Every entry in file order, dynamic keys included.
  const std::vector<PropertyEntry>& entries() const { return entries_; }
  // The trimmed value of `key`, if present.
  std::optional<std::string_view> Get(std::string_view key) const;

  std::optional<std::string_view> dynamic_config_file() const { return Get("dynamicConfigFile"); }
  // clientPort, if set to a non-zero port (ZooKeeper treats 0 as unset).
  std::optional<uint16_t> client_port() const;
  std::optional<std::string_view> client_port_address() const { return Get("clientPortAddress"); }
  bool standalone_enabled() const;  // default true
  bool reconfig_enabled() const;    // default false

  // True for the backward-compatible form: server lines in this file (and so
  // no dynamicConfigFile).
  bool has_dynamic_section() const { return dynamic_.size() > 0; }
  // The dynamic section of a backward-compatible file (empty otherwise).
  const DynamicConfig& dynamic_section() const { return dynamic_; }

  // The whole-file checks ZooKeeper makes after reading every key; they have
  // no line: "dataDir is not set", "tickTime is not set",
  // "clientPortAddress is set but clientPort is not set",
  // "minSessionTimeout must not be larger than maxSessionTimeout".
  Status CheckComplete() const;

  // The static file ZooKeeper writes when it installs a config
  // (QuorumPeerConfig.editStaticConfig): every "key=value" except server.*,
  // group*, weight*, dynamicConfigFile* and peerType*, and, when
  // `erase_client_port`, clientPort* and clientPortAddress (note: that also
  // drops clientPortListenBacklog, as ZooKeeper's prefix match does); then
  // "dynamicConfigFile=<dynamic_file_path>". Every line ends with '\n';
  // comments and blank lines are not kept. ZooKeeper writes the canonical
  // absolute path of the dynamic file; pass that.
  std::string RewriteStatic(std::string_view dynamic_file_path, bool erase_client_port,
                            StaticKeyOrder order = StaticKeyOrder::kJava) const;

  // The result of splitting a backward-compatible file, as a ZooKeeper server
  // with id `my_id` does when it first installs a config of version
  // `version` (reconfigEnabled, distributed mode): the dynamic file
  // `DynamicFileName(static_config_path, version)` with the server lines
  // (ToDynamicFileText), and the new static text pointing at it. clientPort
  // and clientPortAddress stay only if they are not redundant, i.e. unless
  // server.<my_id> has its own client address (the guide's "Backward
  // compatibility" section).
  struct Split {
    std::string static_text;
    std::string dynamic_file_name;
    std::string dynamic_text;
  };
  // Errors: no dynamic section; my_id not a member is fine (nothing to
  // erase); a static client address that contradicts server.<my_id>'s
  // ("client address for this server (id = 1) in static config file is …
  // different from client address found in dynamic file: …").
  Result<Split> SplitBackwardCompatible(std::string_view static_config_path, int64_t my_id,
                                        int64_t version) const;

 private:
  std::vector<PropertyEntry> entries_;
  DynamicConfig dynamic_;
};

// ZooKeeper's needEraseClientInfoFromStaticConfig(): true when server
// `my_id` of `config` has a client address of its own, which makes the static
// clientPort/clientPortAddress redundant.
bool StaticClientPortRedundant(const DynamicConfig& config, int64_t my_id);

}  // namespace zk::wire

#endif  // ZK_WIRE_ZOO_CFG_H_
