# Sourced after scripts/env.sh by scripts/demo and bench/run.sh: the environment of a
# Saleor served from this checkout, with Celery on Redis.
#   local_saleor_env STATE_DIR REDIS_URL PUBLIC_URL
# Keys are made once and kept in STATE_DIR (gitignored), so Saleor never writes its
# debug key into its own installation and tokens survive a restart.

local_saleor_env() {
  local state_dir=$1 redis_url=$2 public_url=$3
  mkdir -p "$state_dir"
  (
    umask 077
    [ -s "$state_dir/secret_key" ] || "$SALEOR_PYTHON" -c \
      'import secrets; print(secrets.token_urlsafe(50))' >"$state_dir/secret_key"
    [ -s "$state_dir/jwt_key.pem" ] || "$SALEOR_PYTHON" - >"$state_dir/jwt_key.pem" <<'PY'
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
print(key.private_bytes(
    serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption(),
).decode(), end="")
PY
  )
  export SECRET_KEY RSA_PRIVATE_KEY
  SECRET_KEY=$(cat "$state_dir/secret_key")
  RSA_PRIVATE_KEY=$(cat "$state_dir/jwt_key.pem")
  export DEMO_DIR="$state_dir"
  export PUBLIC_URL="$public_url"
  export CELERY_BROKER_URL="$redis_url"
  export CACHE_URL="$redis_url"
  export HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS=True
  export SEND_USAGE_TELEMETRY=False
}

require_redis() {
  "$SALEOR_PYTHON" - "$1" <<'PY'
import sys

import redis

try:
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=3).ping()
except redis.RedisError as error:
    sys.exit(f"error: cannot reach Redis at {sys.argv[1]}: {error}")
PY
}
