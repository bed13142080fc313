// Adapters between the simulator's own records (acl.h, data_tree.h, prep.h)
// and the shared wire records (zk/wire/records.h, requests.h): the wire
// library does all encoding and decoding, these only copy fields.
#ifndef ZK_SIM_WIRE_IO_H_
#define ZK_SIM_WIRE_IO_H_

#include <string>
#include <vector>

#include "acl.h"
#include "data_tree.h"
#include "prep.h"
#include "zk/wire/jute.h"
#include "zk/wire/records.h"
#include "zk/wire/requests.h"

namespace zk::sim {

wire::Stat ToWire(const Stat& s);
std::vector<wire::Acl> ToWire(const AclList& acl);
AclList FromWire(const std::vector<wire::Acl>& acl);

// The write ops of PrepOp from their wire requests. `op` is the opcode the
// request came with; createContainer always gets the container flag.
CreateReq FromWire(const wire::CreateRequest& r, wire::OpCode op);
CreateReq FromWire(const wire::CreateTtlRequest& r);
DeleteReq FromWire(const wire::DeleteRequest& r);
SetDataReq FromWire(const wire::SetDataRequest& r);
SetAclReq FromWire(const wire::SetAclRequest& r);
CheckReq FromWire(const wire::CheckVersionRequest& r);

// A record's encoding, for reply bodies assembled before the header is known.
template <typename Record>
std::string EncodeBody(const Record& v) {
  std::string out;
  wire::Writer w(&out);
  Encode(w, v);
  return out;
}

}  // namespace zk::sim

#endif  // ZK_SIM_WIRE_IO_H_
