# Production image of the EnvCrime Cooperation Portal: one image for web (gunicorn), worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# WeasyPrint renders the PDFs (packages, invitation letters) with Pango/HarfBuzz and needs real fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

RUN useradd --system --create-home --home-dir /home/envcrime --uid 10001 envcrime
COPY --chown=envcrime:envcrime . .

# Static files are collected into the image (served by WhiteNoise with hashed names). The settings
# refuse DEBUG=false with the development key, so the build uses a throwaway key of its own: it
# signs nothing, the real SECRET_KEY only exists at run time.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-used-at-run-time DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3 \
    && mkdir -p /app/media \
    && chown envcrime:envcrime /app/media

USER envcrime
EXPOSE 8000
# gunicorn takes its number of workers from WEB_CONCURRENCY (default 1).
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "envcrime.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
