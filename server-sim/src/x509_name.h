// A certificate subject as ZooKeeper 3.8's X509AuthenticationProvider names
// a client: X500Principal.getName(), the RFC 2253 string. RDNs are printed
// last-to-first, comma-separated without spaces; a multi-valued RDN joins
// its values with '+'. The attribute types RFC 2253 names (CN, C, L, ST, O,
// OU, STREET, DC, UID) appear by keyword, every other type (emailAddress,
// serialNumber, ...) as its dotted OID with '#' and the hex of the value's
// DER encoding. Values escape , + " \ < > ; a leading '#' or space and a
// trailing space with a backslash.
#ifndef ZK_SIM_X509_NAME_H_
#define ZK_SIM_X509_NAME_H_

#include <string>

typedef struct X509_name_st X509_NAME;

namespace zk::sim {

// REQUIRES: `name` is not null.
std::string Rfc2253Name(const X509_NAME* name);

}  // namespace zk::sim

#endif  // ZK_SIM_X509_NAME_H_
