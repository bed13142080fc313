#include "zk/hostprovider/server_list.h"

#include <fmt/format.h>

#include <utility>

namespace zk {

HostPort NormalizeHostPort(HostPort h) {
  if (h.host.size() >= 2 && h.host.front() == '[' && h.host.back() == ']') {
    h.host = h.host.substr(1, h.host.size() - 2);
  }
  for (char& c : h.host) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return h;
}

bool SameServer(const HostPort& a, const HostPort& b) {
  return a.port == b.port && NormalizeHostPort(a).host == NormalizeHostPort(b).host;
}

Result<ServerList> ServerList::Create(std::vector<HostPort> servers) {
  if (servers.empty()) return Status(Error::kBadArguments, "server list is empty");
  if (servers.size() >= (1u << 31)) return Status(Error::kBadArguments, "server list too long");
  ServerList list;
  list.hosts_.reserve(servers.size());
  list.index_.reserve(servers.size());
  for (HostPort& raw : servers) {
    HostPort h = NormalizeHostPort(std::move(raw));
    if (h.host.empty()) return Status(Error::kBadArguments, "server with an empty host");
    if (h.port == 0) {
      return Status(Error::kBadArguments, fmt::format("server {} has port 0", h.host));
    }
    auto [it, inserted] = list.index_.emplace(h, static_cast<uint32_t>(list.hosts_.size()));
    if (inserted) list.hosts_.push_back(std::move(h));
  }
  return list;
}

uint32_t ServerList::IndexOf(const HostPort& h) const {
  auto it = index_.find(h);
  if (it == index_.end()) it = index_.find(NormalizeHostPort(h));
  return it == index_.end() ? kNoServer : it->second;
}

bool ServerList::SameSet(const ServerList& other) const {
  if (other.size() != size()) return false;
  for (const HostPort& h : other.hosts_) {
    if (index_.find(h) == index_.end()) return false;
  }
  return true;
}

ListChange DiffLists(const ServerList& old_list, const ServerList& new_list) {
  ListChange c;
  c.old_size = old_list.size();
  c.new_size = new_list.size();
  c.old_to_new.assign(c.old_size, kNoServer);
  c.is_added.assign(c.new_size, 1);
  for (uint32_t i = 0; i < c.old_size; ++i) {
    const uint32_t j = new_list.IndexOf(old_list.at(i));
    c.old_to_new[i] = j;
    if (j != kNoServer) {
      c.is_added[j] = 0;
      ++c.kept;
    }
  }
  c.added = c.new_size - c.kept;
  c.removed = c.old_size - c.kept;
  return c;
}

}  // namespace zk
