// Encoding/decoding helpers for the records the server side needs, on top of
// the shared jute Reader/Writer (zk/wire/jute.h).
// TODO: switch to zk/wire/records.h once it lands; these are thin adapters.
#ifndef ZK_SIM_WIRE_IO_H_
#define ZK_SIM_WIRE_IO_H_

#include <string>

#include "acl.h"
#include "data_tree.h"
#include "zk/wire/jute.h"

namespace zk::sim {

void WriteStat(wire::Writer& w, const Stat& s);
void WriteAcls(wire::Writer& w, const AclList& acl);
bool ReadAcls(wire::Reader& r, AclList* out);
// Starts a frame: reserves the 4-byte length. EndFrame patches it.
size_t BeginFrame(std::string* out);
void EndFrame(std::string* out, size_t start);
void WriteReplyHeader(wire::Writer& w, int32_t xid, int64_t zxid, int32_t err);

}  // namespace zk::sim

#endif  // ZK_SIM_WIRE_IO_H_
