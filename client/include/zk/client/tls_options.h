// zk::TlsOptions — TLS for a session's connections (ClientOptions::tls).
//
// With enabled = true every connection the session makes (the session's own
// and its read-only `isro` probes) is TLS 1.2 or newer, over the client's own
// socket (OpenSSL never touches it: no SIGPIPE, see docs/client.md). The
// handshake is part of the connect and shares its timeout: a server that
// never finishes it is a failed attempt like one that never answers.
//
// Files are PEM only (ZooKeeper's keyStore/trustStore type PEM). They are
// read when the session is created (Client::Create returns a clear error
// naming a file that is missing or unreadable, or a key that does not match
// its certificate), not at every connect.
//
// Server verification: the chain must lead to a CA of ca_file/ca_dir (the
// system's default CA store when both are empty), and, with
// verify_host_name, the certificate must name the host of the entry being
// connected to: the connect string's host, or, with ensemble tracking, the
// tracked address (a wildcard client address replaced by the quorum host).
// A name is checked against DNS subjectAltNames (the CN only when there is
// none, as OpenSSL does); an IP literal against IP subjectAltNames.
//
// Failures (docs/client.md "Secured ensembles"): a certificate that is
// untrusted, expired, not yet valid or for another name, and a handshake the
// server refuses (e.g. it needs a client certificate), end that attempt with
// Status code ZAUTHFAILED and a message starting "TLS " that says which
// ("TLS certificate untrusted: ...", "TLS host name mismatch: ...",
// "TLS certificate expired: ...", "TLS handshake failed: ..."); the host
// provider moves on to the next server. Once every server of the current
// list has refused that way since the session last attached (other failures,
// such as a server that is down, in between do not reset it), the session
// ends in state AuthFailed, as a refused auth packet ends it: pending
// requests fail with ZAUTHFAILED and the session watcher and every watcher
// hear AuthFailed; retrying a configuration error forever would hide it.
// Each refusal is logged (warning) naming the server and the reason. A
// connection that merely drops during the handshake is a connection loss as
// usual, and a handshake that does not finish within the attempt's connect
// timeout is a timeout ("TLS handshake timed out"), not a refusal.
#ifndef ZK_CLIENT_TLS_OPTIONS_H_
#define ZK_CLIENT_TLS_OPTIONS_H_

#include <string>

namespace zk {

struct TlsOptions {
  // Off by default: plaintext.
  bool enabled = false;
  // Trusted CAs: a PEM file holding one or more certificates, and/or a
  // directory of PEM files named by subject hash (`openssl rehash`). Both
  // empty: OpenSSL's default verify paths.
  std::string ca_file;
  std::string ca_dir;
  // The client certificate (PEM; may hold the chain after it) and its
  // private key (PEM; may be the same file). Both or neither. key_password
  // decrypts an encrypted key ("" = not encrypted).
  std::string cert_file;
  std::string key_file;
  std::string key_password;
  // Check the server certificate's name against the host connected to
  // (ZooKeeper's zookeeper.ssl.hostnameVerification, default true). The
  // chain is verified either way.
  bool verify_host_name = true;
  // The lowest protocol version offered: "TLSv1.2" (default) or "TLSv1.3".
  // Older versions are never offered.
  std::string min_version = "TLSv1.2";
  // The highest one: "" (the newest OpenSSL has), "TLSv1.2" or "TLSv1.3".
  std::string max_version;
  // OpenSSL cipher list for TLS 1.2 ("" = OpenSSL's default), e.g.
  // "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256".
  std::string ciphers;
  // TLS 1.3 cipher suites ("" = OpenSSL's default), e.g.
  // "TLS_AES_128_GCM_SHA256".
  std::string ciphersuites;
};

}  // namespace zk

#endif  // ZK_CLIENT_TLS_OPTIONS_H_
