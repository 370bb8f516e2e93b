# The portal's image: web (gunicorn), worker and beat all run it with different commands.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    MEDIA_ROOT=/data/media

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them: exactly the pinned versions of
# requirements.lock (runtime only), each file checked against its sha256 (`make lock` writes it). The
# project itself is not installed: gunicorn, celery and manage.py run from /app.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY . .
RUN useradd --system --uid 1000 --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /data/media /app/staticfiles \
    && chown -R portal:portal /app /data

USER portal
EXPOSE 8000

# The healthcheck (GET /healthz) is declared on the web service in docker-compose.yml: worker and
# beat run this same image and serve no HTTP.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
