// Reconfig (op 16): ZooKeeper 3.8's validation order and error codes.
// Every failure still consumes a zxid (an error transaction). Server lines
// are parsed by zk/wire/server_spec.h and dynamic_config.h, so the error
// codes (BadArguments vs MarshallingError) are those ZooKeeper answers.
#include <fmt/format.h>

#include "server_connection.h"
#include "wire_io.h"
#include "zk/wire/dynamic_config.h"
#include "zk/wire/messages.h"
#include "zk/wire/server_spec.h"

namespace zk::sim {

bool ServerConnection::HandleReconfig(const wire::ReconfigRequest& req, int32_t xid,
                                      int64_t start) {
  const EnsembleOptions& opts = ens_->options();
  auto alive = alive_;
  auto fail = [&](Error e) {
    ens_->Submit(server_, session_id_, ErrorTxn{e}, [this, alive, xid, e, start](const Txn&) {
      if (!*alive || closed_) return;
      Reply(xid, e, {}, start);
      Complete();
    });
    return false;
  };
  if (!opts.reconfig_enabled) return fail(Error::kReconfigDisabled);
  if (ens_->members().size() < 2 && opts.standalone_enabled) return fail(Error::kUnimplemented);
  // Step 4: a reconfig is proposed and not yet committed (last seen !=
  // committed version). The error transaction commits after it.
  if (ens_->reconfig_in_progress()) return fail(Error::kReconfigInProgress);
  if (req.cur_config_id != wire::kAnyConfigId &&
      req.cur_config_id != ens_->last_seen_config_version())
    return fail(Error::kBadVersion);

  wire::DynamicConfigOptions dopts;
  dopts.standalone_enabled = opts.standalone_enabled;
  std::map<int64_t, Member> next;
  if (req.new_members) {
    auto parsed = wire::DynamicConfig::ParseMembers(*req.new_members, dopts);
    if (!parsed.ok()) return fail(parsed.status().code());
    for (const wire::ServerSpec* spec : parsed->Servers()) next[spec->id] = MemberOf(*spec);
  } else {
    next = ens_->members();
    if (req.leaving_servers) {
      auto leaving = wire::ParseLeavingServers(*req.leaving_servers);
      if (!leaving.ok()) return fail(leaving.status().code());
      for (int64_t id : *leaving) next.erase(id);
    }
    if (req.joining_servers) {
      auto joining = wire::ParseJoiningServers(*req.joining_servers, dopts.spec);
      if (!joining.ok()) return fail(joining.status().code());
      for (const wire::ServerSpec& spec : *joining) {
        for (const auto& [oid, om] : next) {
          if (oid == spec.id) continue;
          if (wire::FindAddressConflict(spec, SpecOf(om))) return fail(Error::kBadArguments);
        }
        next[spec.id] = MemberOf(spec);
      }
    }
  }
  size_t voters = 0;
  for (const auto& [id, m] : next) voters += m.observer ? 0 : 1;
  if (voters < (opts.standalone_enabled ? 2u : 1u)) return fail(Error::kBadArguments);
  // Step 8: a quorum of the new config must be up and synced.
  QuorumSpec q;
  for (const auto& [id, m] : next) {
    if (!m.observer) q.voters.insert(id);
  }
  std::set<int64_t> synced;
  for (const auto& [id, st] : ens_->servers()) {
    if (st->running && !st->isolated && st->serving) synced.insert(id);
  }
  if (!q.IsQuorum(synced)) return fail(Error::kNewConfigNoQuorum);
  // Step 9: WRITE on /zookeeper/config.
  const Node* cfg = ens_->committed().Find("/zookeeper/config");
  if (cfg == nullptr || !CheckAcl(cfg->acl, auth_, kPermWrite, opts.skip_acl))
    return fail(Error::kNoAuth);
  // The reply goes out when this server applies the commit; if the commit
  // hands leadership over, the connection may be dropped first (the client
  // sees connection loss although the change committed, as with ZooKeeper).
  ens_->ProposeReconfig(
      server_, session_id_, std::move(next), [this, alive, xid, start](const Txn&) {
        if (!*alive || closed_) return;
        const Node* n = ens_->Server(server_)->tree.Find("/zookeeper/config");
        Reply(xid, Error::kOk, EncodeBody(wire::GetDataResponse{n->data, ToWire(n->ToStat())}),
              start);
        Complete();
      });
  return false;
}

}  // namespace zk::sim
