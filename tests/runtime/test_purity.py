"""The runtime must stay usable without Django: importing it loads no web-side module."""

import subprocess
import sys


def test_importing_runtime_loads_no_django_celery_channels_or_builder():
    code = (
        "import sys, runtime, runtime.checkpoint\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'django', 'celery', 'channels', 'builder', 'daphne', 'rest_framework'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
