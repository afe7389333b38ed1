# monoql container: one image for every Procfile process (web, worker, beat, release).
#   docker build -t monoql .
#   docker run --env-file prod.env monoql                       # web (gunicorn)
#   docker run --env-file prod.env monoql celery -A monoql worker --loglevel INFO
#   docker run --env-file prod.env monoql celery -A monoql beat --loglevel INFO   # exactly one
#   docker run --env-file prod.env monoql python manage.py migrate --noinput     # before a release
FROM node:22-slim AS assets
WORKDIR /app/assets
COPY assets/package.json assets/package-lock.json ./
COPY scripts/install_graphiql_assets.sh /app/scripts/
RUN bash /app/scripts/install_graphiql_assets.sh

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT=8000 WEB_CONCURRENCY=4 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 monoql
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes -r requirements.txt  # the runtime lock only: no test tools
COPY . .
COPY --from=assets /app/assets/static/graphiql assets/static/graphiql
RUN python manage.py collectstatic --noinput >/dev/null \
    && mkdir -p "$PROMETHEUS_MULTIPROC_DIR" && chown -R monoql /app "$PROMETHEUS_MULTIPROC_DIR"
USER monoql
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/heartbeat', timeout=2).status != 200)"
CMD ["sh", "-c", "rm -rf $PROMETHEUS_MULTIPROC_DIR/* && exec gunicorn monoql.wsgi:application --bind 0.0.0.0:$PORT --workers $WEB_CONCURRENCY --max-requests 5000 --max-requests-jitter 500 --timeout 30"]
