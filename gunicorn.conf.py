# Production WSGI server settings (docker-compose.yml, Dockerfile).
bind = "0.0.0.0:8000"
workers = 3
# Threads, not the sync worker: a sync worker that has accepted a connection waits, idle, until the
# browser sends its request (a kept-alive connection, a slow network), while requests queue behind
# it. Under the load test (bench/load.sh) that doubled the median wait at 40% of capacity.
worker_class = "gthread"
threads = 2
# Longer than a person reads a page in the load test; a proxy in front keeps its own connections.
keepalive = 5
accesslog = "-"
# The path without its query string: a search by national number must not end up in the logs.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
# Load Django once in the master: workers start warm (no half-second first request per worker) and
# share the code's memory. Database connections open lazily in each thread, after the fork.
preload_app = True
