#!/usr/bin/env bash
# The 100-person load of issue 13 item 5 against gunicorn (production settings, plain http on loopback) and one
# Celery worker and beat, on the database of DATABASE_URL (a generated province: bench/README.md "Reproduce"), then the
# table in bench/results/load_<database>.md.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_province REDIS_URL=redis://127.0.0.1:6379/3 \
#       bash bench/load/run.sh [users=100] [duration=5m] [gunicorn workers=3]
#
# THREADS=n runs each gunicorn worker with n threads (gthread; 1: sync workers, as docker-compose.yml runs them).
#
# Needs the load generator's environment (bench/load/requirements.txt) in .venv-load or LOCUST=/path/to/locust.
set -euo pipefail
cd "$(dirname "$0")/../.."
USERS=${1:-100}; DURATION=${2:-5m}; WORKERS=${3:-3}
PORT=${LOAD_PORT:-8765}
LOCUST=${LOCUST:-.venv-load/bin/locust}
OUT=$(mktemp -d)
: "${DATABASE_URL:?set DATABASE_URL to the generated province}" "${REDIS_URL:?set REDIS_URL (Celery broker)}"
export DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-load-test-$RANDOM$RANDOM$RANDOM$RANDOM}
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0 MEDIA_ROOT=${MEDIA_ROOT:-$OUT/media}

.venv/bin/python manage.py collectstatic --no-input -v 0
.venv/bin/python bench/load/accounts.py --output "$OUT/accounts.json"
.venv/bin/gunicorn config.wsgi --bind 127.0.0.1:$PORT --workers "$WORKERS" --threads "${THREADS:-1}" --timeout 60 \
    --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" &
GUNICORN=$!
.venv/bin/celery -A config worker -P solo -l WARNING --logfile "$OUT/worker.log" &
WORKER=$!
# Beat as production runs it: the minutely refresh of the dashboard figures of the counties written to.
.venv/bin/celery -A config beat -l WARNING --logfile "$OUT/beat.log" --schedule "$OUT/beat-schedule" &
BEAT=$!
trap 'kill $GUNICORN $WORKER $BEAT 2>/dev/null; wait $GUNICORN $WORKER $BEAT 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 1; done

# CPU seconds per program (gunicorn, postgres, locust, celery, redis) over the run: where the two cores went.
cpu_times() { ps -e -o pid=,comm=,times= > "$1"; }
cpu_times "$OUT/cpu_before"
LOAD_ACCOUNTS="$OUT/accounts.json" /usr/bin/time -o "$OUT/locust_cpu" -f "%U %S" "$LOCUST" -f bench/load/locustfile.py --headless -u "$USERS" -r 10 \
    -t "$DURATION" --host "http://127.0.0.1:$PORT" --csv "$OUT/load" --only-summary || true
cpu_times "$OUT/cpu_after"
.venv/bin/python bench/load/table.py "$OUT/load_stats.csv" --users "$USERS" --duration "$DURATION" \
    --workers "$WORKERS" --cpu "$OUT/cpu_before" "$OUT/cpu_after" \
    --locust-cpu "$OUT/locust_cpu"
echo "raw files: $OUT"
