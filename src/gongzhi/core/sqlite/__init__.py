"""Django's SQLite backend with writers queued on a lock instead of sleeping.

Use it as ``ENGINE = "gongzhi.core.sqlite"`` (settings do for every SQLite URL).
"""
