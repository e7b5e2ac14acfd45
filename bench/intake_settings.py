"""Bench-only settings: the product settings with bench/intake_urls.py as URLconf.

Used by bench/intake.py for the server it starts; never by the product.
"""

from gongzhi.settings import *  # noqa: F403

ROOT_URLCONF = "bench.intake_urls"
