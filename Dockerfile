FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# WeasyPrint (yearly report) needs Pango; gettext compiles the Dutch catalogue.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 gettext \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && python manage.py compilemessages -l nl --ignore=.venv

RUN useradd --system --uid 1000 ocmw && mkdir -p /var/lib/celerybeat && chown -R ocmw /app /var/lib/celerybeat
USER ocmw
EXPOSE 8000
CMD ["gunicorn", "ocmw_activation.wsgi", "-c", "gunicorn.conf.py"]
