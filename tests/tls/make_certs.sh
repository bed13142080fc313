#!/usr/bin/env bash
# Generates the TLS test certificates into DIR with the `openssl` command
# (Debian 12: OpenSSL 3.0). Nothing is checked in, so nothing expires in the
# repository. Valid for 2 days; takes about a second. RSA 2048 keys (PKCS#8
# PEM, what ZooKeeper's PEM key store reads).
#
#   ca.pem ca.key                 the test CA (CN=zkbalance test CA)
#   server.pem server.key         CN=zk-server, SAN DNS:localhost, IP:127.0.0.1, IP:::1
#   server-keystore.pem           server.key + server.pem (ZooKeeper's PEM keyStore)
#   client.pem client.key         CN=zkclient,O=zkbalance (the x509 identity)
#   client-keystore.pem           client.key + client.pem
#   client-enc.key                client.key encrypted with the password "secret"
#   client2.pem client2.key       CN=zkclient2 (a second trusted identity)
#   client2-keystore.pem          client2.key + client2.pem
#   other-ca.pem other-ca.key     a CA nobody trusts
#   other-client.pem/.key         a client certificate signed by other-ca
#   expired.pem expired.key       CN=expired, SAN IP:127.0.0.1, already expired
#
# Usage: make_certs.sh DIR
set -euo pipefail
dir=${1:?usage: make_certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
days=2

key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }
ca() {  # name subject
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -out "$1.pem" -subj "$2" -days "$days" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}
leaf() {  # name subject ca days [san]
  key "$1.key"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "$2"
  local ext
  ext=$(mktemp)
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=serverAuth,clientAuth"
    if [ -n "${5:-}" ]; then echo "subjectAltName=$5"; fi
  } >"$ext"
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days "$4" \
    -extfile "$ext" -out "$1.pem" 2>/dev/null
  rm -f "$ext" "$1.csr"
}

ca ca "/CN=zkbalance test CA"
ca other-ca "/CN=untrusted test CA"
leaf server "/CN=zk-server" ca "$days" "DNS:localhost,IP:127.0.0.1,IP:::1"
leaf client "/O=zkbalance/CN=zkclient" ca "$days"
leaf client2 "/CN=zkclient2" ca "$days"
leaf other-client "/CN=intruder" other-ca "$days"
# -days -1: notAfter one day before notBefore (now), so already expired.
leaf expired "/CN=expired" ca -1 "DNS:localhost,IP:127.0.0.1"
cat server.key server.pem >server-keystore.pem
cat client.key client.pem >client-keystore.pem
cat client2.key client2.pem >client2-keystore.pem
openssl pkey -in client.key -aes256 -passout pass:secret -out client-enc.key
rm -f ./*.srl
