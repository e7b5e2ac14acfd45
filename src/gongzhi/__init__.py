"""Gongzhi (共治): a community co-governance platform."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gongzhi")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
