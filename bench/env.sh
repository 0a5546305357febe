# Source this to run manage.py / bench/querycount.py against the benchmark database by hand:
#   . bench/env.sh && .venv/bin/python bench/querycount.py --session KEY --sql /
export BPHUB_ENV=production
export SECRET_KEY=${BENCH_SECRET_KEY:-bench-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz}
export ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}/${BENCH_DB:-bphub_bench}
export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/15}
export BPHUB_VAR_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/out/var
export LOG_LEVEL=WARNING
export EMAIL_DELIVERY_BACKEND=django.core.mail.backends.locmem.EmailBackend
