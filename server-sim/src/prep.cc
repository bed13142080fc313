#include "prep.h"

#include <fmt/format.h>

#include "path.h"

namespace zk::sim {
namespace {

bool Allowed(const Node& n, const PrepContext& ctx, int32_t perm) {
  static const AuthInfo kNobody;
  return CheckAcl(n.acl, ctx.auth ? *ctx.auth : kNobody, perm, ctx.skip_acl);
}

int32_t NextVersion(int32_t v) { return v + 1 == -1 ? 0 : v + 1; }

Result<SubTxn> PrepCreate(const DataTree& tree, const CreateReq& r, const PrepContext& ctx) {
  const auto mode = static_cast<wire::CreateMode>(r.flags);
  if (!wire::IsValidCreateMode(mode)) return Status(Error::kBadArguments, "bad create flags");
  const bool ttl = wire::IsTtl(mode);
  if (ttl) {
    if (!ctx.ttl_enabled) return Status(Error::kUnimplemented, "TTL nodes are disabled");
    if (r.ttl <= 0 || r.ttl > ctx.max_ttl_ms) return Status(Error::kBadArguments, "bad TTL");
  } else if (r.ttl >= 0) {
    // createTTL with a mode that takes no TTL (EphemeralType.validateTTL).
    return Status(Error::kBadArguments, "TTL given for a mode without TTL");
  }
  if (!IsValidPath(r.path)) return Status(Error::kBadArguments, "bad path");
  static const AuthInfo kNobody;
  auto acl = FixupAcl(r.acl, ctx.auth ? *ctx.auth : kNobody);
  if (!acl.ok()) return acl.status();
  std::string parent_path = ParentPath(r.path);
  if (parent_path.empty()) return Status(Error::kNodeExists, r.path);  // creating "/"
  const Node* parent = tree.Find(parent_path);
  if (parent == nullptr) return Status(Error::kNoNode, parent_path);
  if (!Allowed(*parent, ctx, kPermCreate)) return Status(Error::kNoAuth, parent_path);
  std::string path = r.path;
  if (wire::IsSequential(mode)) {
    path += fmt::format("{:010d}", parent->child_creates);
    if (!IsValidPath(path)) return Status(Error::kBadArguments, "bad path");
  }
  if (tree.Find(path) != nullptr) return Status(Error::kNodeExists, path);
  if (IsEphemeralOwner(parent->ephemeral_owner)) {
    return Status(Error::kNoChildrenForEphemerals, parent_path);
  }
  CreateTxn t;
  t.path = std::move(path);
  t.data = r.data;
  t.acl = std::move(acl.value());
  if (wire::IsEphemeral(mode)) {
    t.ephemeral_owner = ctx.session_id;
  } else if (wire::IsContainer(mode)) {
    t.ephemeral_owner = wire::kContainerEphemeralOwner;
  } else if (ttl) {
    t.ephemeral_owner = wire::TtlEphemeralOwner(r.ttl);
  }
  return SubTxn(std::move(t));
}

Result<SubTxn> PrepDelete(const DataTree& tree, const DeleteReq& r, const PrepContext& ctx) {
  if (!IsValidPath(r.path) || IsSpecialPath(r.path)) return Status(Error::kBadArguments, r.path);
  std::string parent_path = ParentPath(r.path);
  const Node* parent = tree.Find(parent_path);
  if (parent == nullptr) return Status(Error::kNoNode, parent_path);
  if (!Allowed(*parent, ctx, kPermDelete)) return Status(Error::kNoAuth, parent_path);
  const Node* n = tree.Find(r.path);
  if (n == nullptr) return Status(Error::kNoNode, r.path);
  if (r.version != -1 && r.version != n->version) return Status(Error::kBadVersion, r.path);
  if (!n->children.empty()) return Status(Error::kNotEmpty, r.path);
  return SubTxn(DeleteTxn{r.path});
}

Result<SubTxn> PrepSetData(const DataTree& tree, const SetDataReq& r, const PrepContext& ctx) {
  if (!IsValidPath(r.path)) return Status(Error::kBadArguments, r.path);
  const Node* n = tree.Find(r.path);
  if (n == nullptr) return Status(Error::kNoNode, r.path);
  if (!Allowed(*n, ctx, kPermWrite)) return Status(Error::kNoAuth, r.path);
  if (r.version != -1 && r.version != n->version) return Status(Error::kBadVersion, r.path);
  return SubTxn(SetDataTxn{r.path, r.data, NextVersion(n->version)});
}

Result<SubTxn> PrepSetAcl(const DataTree& tree, const SetAclReq& r, const PrepContext& ctx) {
  if (!IsValidPath(r.path)) return Status(Error::kBadArguments, r.path);
  static const AuthInfo kNobody;
  auto acl = FixupAcl(r.acl, ctx.auth ? *ctx.auth : kNobody);
  if (!acl.ok()) return acl.status();
  const Node* n = tree.Find(r.path);
  if (n == nullptr) return Status(Error::kNoNode, r.path);
  if (!Allowed(*n, ctx, kPermAdmin)) return Status(Error::kNoAuth, r.path);
  if (r.version != -1 && r.version != n->aversion) return Status(Error::kBadVersion, r.path);
  return SubTxn(SetAclTxn{r.path, std::move(acl.value()), NextVersion(n->aversion)});
}

Result<SubTxn> PrepCheck(const DataTree& tree, const CheckReq& r, const PrepContext& ctx) {
  if (!IsValidPath(r.path)) return Status(Error::kBadArguments, r.path);
  const Node* n = tree.Find(r.path);
  if (n == nullptr) return Status(Error::kNoNode, r.path);
  if (!Allowed(*n, ctx, kPermRead)) return Status(Error::kNoAuth, r.path);
  if (r.version != -1 && r.version != n->version) return Status(Error::kBadVersion, r.path);
  return SubTxn(CheckTxn{r.path});
}

}  // namespace

Result<SubTxn> PrepOp(const DataTree& tree, const WriteOp& op, const PrepContext& ctx) {
  return std::visit(
      [&](const auto& r) -> Result<SubTxn> {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, CreateReq>) return PrepCreate(tree, r, ctx);
        if constexpr (std::is_same_v<T, DeleteReq>) return PrepDelete(tree, r, ctx);
        if constexpr (std::is_same_v<T, SetDataReq>) return PrepSetData(tree, r, ctx);
        if constexpr (std::is_same_v<T, SetAclReq>) return PrepSetAcl(tree, r, ctx);
        if constexpr (std::is_same_v<T, CheckReq>) return PrepCheck(tree, r, ctx);
      },
      op);
}

MultiTxn PrepMulti(const DataTree& tree, const std::vector<WriteOp>& ops, const PrepContext& ctx) {
  // Each op must see the ones before it. Validate against a scratch copy;
  // multis are small and rare next to plain reads and writes.
  DataTree scratch = tree;
  MultiTxn out;
  for (size_t i = 0; i < ops.size(); ++i) {
    auto sub = PrepOp(scratch, ops[i], ctx);
    if (!sub.ok()) {
      out.ops.clear();
      out.errors.assign(ops.size(), Error::kRuntimeInconsistency);
      for (size_t j = 0; j < i; ++j) out.errors[j] = Error::kOk;
      out.errors[i] = sub.status().code();
      return out;
    }
    Txn t;
    t.zxid = 0;
    std::visit(
        [&](const auto& s) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(s)>, CheckTxn>) {
            t.body = s;
            scratch.Apply(t, nullptr);
          }
        },
        sub.value());
    out.ops.push_back(std::move(sub.value()));
  }
  return out;
}

}  // namespace zk::sim
