// Reconfig (op 16), PROTOCOL.md §7.3: validation order and error codes.
// Every failure still consumes a zxid (an error transaction).
#include <fmt/format.h>

#include "server_connection.h"
#include "wire_io.h"

namespace zk::sim {
namespace {

// Parses "host:qport:eport[:role][;[chost:]cport]". Minimal on purpose.
// TODO: replace with zk/wire/server_spec.h when it lands.
bool ParseSpec(const std::string& spec, Member* m) {
  std::string server = spec, client;
  auto semi = spec.find(';');
  if (semi != std::string::npos) {
    server = spec.substr(0, semi);
    client = spec.substr(semi + 1);
    if (client.find(';') != std::string::npos) return false;
  }
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    auto c = server.find(':', start);
    parts.push_back(server.substr(start, c == std::string::npos ? c : c - start));
    if (c == std::string::npos) break;
    start = c + 1;
  }
  if (parts.size() != 3 && parts.size() != 4) return false;
  auto port = [](const std::string& s, int* out) {
    if (s.empty() || s.size() > 5) return false;
    int v = 0;
    for (char ch : s) {
      if (ch < '0' || ch > '9') return false;
      v = v * 10 + (ch - '0');
    }
    *out = v;
    return v > 0 && v < 65536;
  };
  m->host = parts[0];
  if (m->host.empty() || !port(parts[1], &m->quorum_port) || !port(parts[2], &m->election_port))
    return false;
  if (m->quorum_port == m->election_port) return false;
  m->observer = false;
  if (parts.size() == 4) {
    std::string role = parts[3];
    for (char& ch : role) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (role == "observer") {
      m->observer = true;
    } else if (role != "participant") {
      return false;
    }
  }
  m->client_port = 0;
  if (!client.empty()) {
    auto colon = client.rfind(':');
    std::string host = colon == std::string::npos ? "0.0.0.0" : client.substr(0, colon);
    std::string p = colon == std::string::npos ? client : client.substr(colon + 1);
    if (!port(p, &m->client_port)) return false;
    m->client_host = host;
  }
  return true;
}

std::vector<std::string> Split(const std::string& s, const std::string& seps) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (seps.find(c) != std::string::npos) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

}  // namespace

bool ServerConnection::HandleReconfig(wire::Reader& r, int32_t xid, int64_t start) {
  std::optional<std::string> joining, leaving, members;
  int64_t cur_config = -1;
  if (!r.NullableString(&joining) || !r.NullableString(&leaving) ||
      !r.NullableString(&members) || !r.Long(&cur_config)) {
    Reply(xid, ErrorCode(Error::kMarshallingError), {}, start);
    Fail("undecodable reconfig");
    return true;
  }
  const EnsembleOptions& opts = ens_->options();
  auto alive = alive_;
  auto fail = [&](Error e) {
    ens_->Submit(server_, session_id_, ErrorTxn{e}, [this, alive, xid, e, start](const Txn&) {
      if (!*alive || closed_) return;
      Reply(xid, ErrorCode(e), {}, start);
      Complete();
    });
    return false;
  };
  if (!opts.reconfig_enabled) return fail(Error::kReconfigDisabled);
  if (ens_->members().size() < 2 && opts.standalone_enabled) return fail(Error::kUnimplemented);
  // Step 4 (RECONFIGINPROGRESS) cannot happen: proposals commit at once.
  if (cur_config != -1 && cur_config != ens_->config_version()) return fail(Error::kBadVersion);

  std::map<int64_t, Member> next;
  if (members) {
    for (const std::string& raw : Split(*members, ",\n")) {
      std::string item = Trim(raw);
      auto eq = item.find('=');
      if (eq == std::string::npos) return fail(Error::kBadArguments);
      std::string key = Trim(item.substr(0, eq)), val = Trim(item.substr(eq + 1));
      if (key == "version") continue;
      if (key.rfind("server.", 0) != 0) return fail(Error::kBadArguments);
      std::string id_text = key.substr(7);
      char* end = nullptr;
      long long id = std::strtoll(id_text.c_str(), &end, 10);
      if (id_text.empty() || *end != '\0') return fail(Error::kMarshallingError);
      Member m;
      m.id = id;
      if (!ParseSpec(val, &m)) return fail(Error::kBadArguments);
      next[id] = m;
    }
    size_t voters = 0, observers = 0;
    for (const auto& [id, m] : next) (m.observer ? observers : voters)++;
    if ((voters == 0 && !opts.standalone_enabled) || (voters == 0 && observers > 0) ||
        (voters == 1 && observers > 0 && opts.standalone_enabled))
      return fail(Error::kMarshallingError);
  } else {
    next = ens_->members();
    if (leaving) {
      for (const std::string& raw : Split(*leaving, ",")) {
        std::string t = Trim(raw);
        char* end = nullptr;
        long long id = std::strtoll(t.c_str(), &end, 10);
        if (t.empty() || *end != '\0') return fail(Error::kMarshallingError);
        next.erase(id);
      }
    }
    if (joining) {
      for (const std::string& raw : Split(*joining, ",")) {
        std::string item = Trim(raw);
        auto parts = Split(item, "=");
        if (parts.size() != 2 || item.find('=') != item.rfind('=')) return fail(Error::kBadArguments);
        std::string key = parts[0];
        auto dot = key.rfind('.');
        std::string id_text = dot == std::string::npos ? key : key.substr(dot + 1);
        char* end = nullptr;
        long long id = std::strtoll(id_text.c_str(), &end, 10);
        if (id_text.empty() || *end != '\0') return fail(Error::kBadArguments);
        Member m;
        m.id = id;
        if (!ParseSpec(parts[1], &m) || m.client_port == 0) return fail(Error::kBadArguments);
        for (const auto& [oid, om] : next) {
          if (oid == id) continue;
          bool wildcard = m.host == "0.0.0.0" || m.host.rfind("127.", 0) == 0 || m.host == "localhost";
          if (!wildcard && om.host == m.host &&
              (om.quorum_port == m.quorum_port || om.election_port == m.election_port))
            return fail(Error::kBadArguments);
        }
        next[id] = m;
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
  // The new version is this transaction's zxid.
  int64_t version = ens_->last_zxid() + 1;
  std::string text = Ensemble::ConfigTextOf(next, version);
  ens_->InstallMembers(next, version);
  ens_->Submit(server_, session_id_, SetDataTxn{"/zookeeper/config", text, -1},
               [this, alive, xid, start](const Txn&) {
                 if (!*alive || closed_) return;
                 const Node* n = ens_->Server(server_)->tree.Find("/zookeeper/config");
                 std::string b;
                 wire::Writer bw(&b);
                 bw.NullableBuffer(n->data);
                 WriteStat(bw, n->ToStat());
                 Reply(xid, 0, b, start);
                 Complete();
               });
  ens_->OnConfigCommitted();
  return false;
}

}  // namespace zk::sim
