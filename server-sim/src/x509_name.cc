#include "x509_name.h"

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <fmt/format.h>

namespace zk::sim {
namespace {

// The keyword RFC 2253 (and Java's X500Principal.RFC2253) uses, or null.
const char* Keyword(int nid) {
  switch (nid) {
    case NID_commonName:
      return "CN";
    case NID_countryName:
      return "C";
    case NID_localityName:
      return "L";
    case NID_stateOrProvinceName:
      return "ST";
    case NID_organizationName:
      return "O";
    case NID_organizationalUnitName:
      return "OU";
    case NID_streetAddress:
      return "STREET";
    case NID_domainComponent:
      return "DC";
    case NID_userId:
      return "UID";
    default:
      return nullptr;
  }
}

std::string Escaped(const std::string& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    bool special = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' ||
                   c == ';' || (i == 0 && (c == '#' || c == ' ')) ||
                   (i + 1 == v.size() && c == ' ');
    if (special) out += '\\';
    out += c;
  }
  return out;
}

// The value's text in UTF-8.
std::string Utf8(const ASN1_STRING* s) {
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, s);
  if (n < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

// '#' and the hex of the DER encoding of the value (tag, length, content).
std::string HexDer(const ASN1_STRING* s) {
  ASN1_TYPE* t = ASN1_TYPE_new();
  ASN1_TYPE_set1(t, ASN1_STRING_type(s), s);
  unsigned char* der = nullptr;
  int n = i2d_ASN1_TYPE(t, &der);
  ASN1_TYPE_free(t);
  std::string out = "#";
  for (int i = 0; i < n; ++i) out += fmt::format("{:02x}", der[i]);
  OPENSSL_free(der);
  return out;
}

}  // namespace

std::string Rfc2253Name(const X509_NAME* name) {
  std::string out;
  const int count = X509_NAME_entry_count(name);
  int last_set = -1;
  for (int i = count - 1; i >= 0; --i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    const int set = X509_NAME_ENTRY_set(e);
    if (i != count - 1) out += set == last_set ? "+" : ",";
    last_set = set;
    const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(e);
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(e);
    if (const char* kw = Keyword(OBJ_obj2nid(obj))) {
      out += kw;
      out += '=';
      out += Escaped(Utf8(value));
    } else {
      char oid[128];
      OBJ_obj2txt(oid, sizeof(oid), obj, 1);
      out += oid;
      out += '=';
      out += HexDer(value);
    }
  }
  return out;
}

}  // namespace zk::sim
