# Production WSGI server settings (docker-compose.yml, Dockerfile).
bind = "0.0.0.0:8000"
workers = 3
accesslog = "-"
# The path without its query string: a search by national number must not end up in the logs.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
# Load Django once in the master: workers start warm (no half-second first request per worker) and
# share the code's memory. Database connections open lazily in each worker, after the fork.
preload_app = True
