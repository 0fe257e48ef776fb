#!/usr/bin/env bash
# A private CA and one certificate per party for docker-compose's TLS (docs/security.md, "Transports"):
#   TLS_STORE_PASSWORD=... docker/tls/make-certs.sh [ssis-host ...]     (default host: compose-sql01)
# Needs a JDK's keytool and openssl. Writes, under .compose/:
#   tls-ca/ca.p12                    the CA's private key: keep it off the servers (it signs every party)
#   tls/ca.pem, tls/truststore.p12   the CA certificate (the trust store's password is public: "truststore")
#   tls/<party>.p12                  key and certificate of kafka, admin, backup-orchestrator, catalog-service, and per
#                                    host fs-agent.<host> and msdb-agent.<host> (password $TLS_STORE_PASSWORD); the CN
#                                    is the party's principal in Kafka's ACLs
#   tls/minio/public.crt, private.key  MinIO's certificate (MinIO reads PEM)
#   tls/admin.properties             Kafka command-line tools' client settings (topics and ACLs, health check)
# Re-running keeps what exists and adds what is missing (a new host's certificates).
set -euo pipefail
: "${TLS_STORE_PASSWORD:?set TLS_STORE_PASSWORD (the password of every key store made here)}"
cd "$(dirname "$0")/../.."
mkdir -p .compose/tls-ca .compose/tls/minio
ca=.compose/tls-ca/ca.p12 out=.compose/tls pw=$TLS_STORE_PASSWORD
umask 077
[ -f "$ca" ] || keytool -genkeypair -alias ca -dname "CN=ssis-backup CA" -ext bc:c -validity 3650 -keyalg EC \
  -groupname secp256r1 -keystore "$ca" -storetype PKCS12 -storepass "$pw" -keypass "$pw"
keytool -exportcert -alias ca -keystore "$ca" -storepass "$pw" -rfc -file "$out/ca.pem"
rm -f "$out/truststore.p12"
keytool -importcert -noprompt -alias ca -file "$out/ca.pem" -keystore "$out/truststore.p12" -storetype PKCS12 \
  -storepass truststore

issue() { # name, subject alternative names
  local name=$1 san=$2 store="$out/$1.p12"
  [ -f "$store" ] && return
  keytool -genkeypair -alias "$name" -dname "CN=$name" -validity 825 -keyalg EC -groupname secp256r1 \
    -keystore "$store" -storetype PKCS12 -storepass "$pw" -keypass "$pw"
  keytool -certreq -alias "$name" -keystore "$store" -storepass "$pw" -file "$out/$name.csr"
  keytool -gencert -alias ca -keystore "$ca" -storepass "$pw" -infile "$out/$name.csr" -outfile "$out/$name.pem" \
    -rfc -validity 825 -ext "SAN=$san" -ext EKU=serverAuth,clientAuth
  keytool -importcert -noprompt -alias ca -file "$out/ca.pem" -keystore "$store" -storepass "$pw"
  keytool -importcert -alias "$name" -file "$out/$name.pem" -keystore "$store" -storepass "$pw"
  rm -f "$out/$name.csr"
  echo "made $store"
}
issue kafka dns:kafka,dns:localhost
issue admin dns:localhost
issue minio dns:minio,dns:localhost
issue backup-orchestrator dns:backup-orchestrator,dns:localhost
issue catalog-service dns:catalog-service,dns:localhost
for host in "${@:-compose-sql01}"; do
  issue "fs-agent.$host" dns:fs-agent,dns:localhost
  issue "msdb-agent.$host" dns:msdb-agent,dns:localhost
done

# MinIO reads PEM; its key is readable by MinIO's user only.
openssl pkcs12 -in "$out/minio.p12" -passin env:TLS_STORE_PASSWORD -nokeys -clcerts | openssl x509 -out "$out/minio/public.crt"
openssl pkcs12 -in "$out/minio.p12" -passin env:TLS_STORE_PASSWORD -nocerts -nodes | openssl pkey -out "$out/minio/private.key"

cat >"$out/admin.properties" <<PROPS
security.protocol=SSL
ssl.keystore.type=PKCS12
ssl.keystore.location=/etc/kafka/tls/admin.p12
ssl.keystore.password=$pw
ssl.key.password=$pw
ssl.truststore.type=PKCS12
ssl.truststore.location=/etc/kafka/tls/truststore.p12
ssl.truststore.password=truststore
PROPS
# Containers read their files as their own users: Kafka's image runs as uid 1000, the services as uid 10001.
owners=(1000:kafka.p12 1000:admin.p12 1000:admin.properties 10001:backup-orchestrator.p12 10001:catalog-service.p12)
for f in "$out"/fs-agent.*.p12 "$out"/msdb-agent.*.p12; do owners+=("10001:$(basename "$f")"); done
if [ "$(id -u)" = 0 ]; then
  for o in "${owners[@]}"; do chown "${o%%:*}" "$out/${o#*:}"; done
  chmod 644 "$out/truststore.p12" "$out/ca.pem"
else
  echo "run as root, or give the containers' users their files: chown 1000 kafka.p12 admin.p12 admin.properties;"
  echo "  chown 10001 the services' .p12 files; chmod 644 truststore.p12 ca.pem (all in $out)"
fi
echo "certificates in $out (CA key in .compose/tls-ca: keep it safe and off the servers)"
