#!/bin/sh
# Print the path of a Python interpreter to build .venv with.
# Python 3.12 first: PySide6 6.12 corrupts reference counts on 3.11 (docs/platform.md).
# A 3.11 fallback works with PySide6 6.11.3 (pinned by constraints-py311.txt).
for cand in python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12 /root/.pyenv/versions/3.12*/bin/python3.12 \
            /opt/python3.12/bin/python3.12 python3.11 /usr/bin/python3.11 python3; do
  for p in $cand; do
    if "$p" -c 'import sys, venv; assert sys.version_info[:2] in ((3, 12), (3, 11))' >/dev/null 2>&1; then
      "$p" -c 'import sys; print(sys.executable)'
      exit 0
    fi
  done
done
echo "no Python 3.12 or 3.11 found: install python3.12 (or python3.11 with venv)" >&2
exit 1
