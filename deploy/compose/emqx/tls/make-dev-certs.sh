#!/bin/sh
# Development certificates for the EMQX TLS listeners of docker-compose.yml (8883 mqtts, 8084
# wss) and for clients: a CA, a server certificate for the EMQX nodes, a client certificate for
# the gateway. Written to DIR (default: this directory, whose .gitignore keeps them out of git).
# Never commit them; production takes certificates from cert-manager (deploy/README.md).
#
#   sh deploy/compose/emqx/tls/make-dev-certs.sh [DIR]
#
#   ca.pem            trust this (MQTT_CA_FILE, --mqtt-ca) to verify the brokers
#   server.pem/.key   the brokers' certificate: emqx1, emqx2 (.dock.local), localhost, 127.0.0.1
#   gateway.pem/.key  a client certificate (CN dock-gateway) for MQTT_CERT_FILE / MQTT_KEY_FILE
#
# Extra server names: EMQX_TLS_SANS="DNS:mqtt.example.test,IP:192.0.2.10". Existing files are
# kept (delete them to make new ones); test/integration/gateway/mqtt-tls uses this script too.
set -eu

dir=${1:-$(dirname "$0")}
days=${EMQX_TLS_DAYS:-365}
sans="DNS:emqx1,DNS:emqx2,DNS:emqx1.dock.local,DNS:emqx2.dock.local,DNS:localhost,IP:127.0.0.1"
[ -n "${EMQX_TLS_SANS:-}" ] && sans="$sans,$EMQX_TLS_SANS"
mkdir -p "$dir"
cd "$dir"
if [ -f ca.pem ] && [ -f server.pem ] && [ -f gateway.pem ]; then
  echo "make-dev-certs: $dir already has ca.pem, server.pem, gateway.pem; kept" >&2
  exit 0
fi
umask 077

key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1"; }

# The CA: signs the server and client certificates.
key ca.key
openssl req -x509 -new -key ca.key -subj "/CN=dock-fleet development CA" -days "$days" \
  -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca.pem

# sign NAME SUBJECT EXTENSIONS: a key and a certificate signed by the CA.
sign() {
  key "$1.key"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$days" \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
sign server "/CN=emqx" "basicConstraints=CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$sans"
sign gateway "/CN=dock-gateway" "basicConstraints=CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
rm -f ca.srl
# EMQX runs as uid 1000 in its container: the mounted files must be readable to it.
chmod 644 ca.pem server.pem gateway.pem server.key gateway.key
chmod 600 ca.key
echo "make-dev-certs: wrote ca.pem, server.pem/.key, gateway.pem/.key to $dir" >&2
