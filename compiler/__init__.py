"""engage: a compiler for customer-engagement ecosystems described as code."""

__version__ = "0.1.0"
API_VERSION = "engage/v1"
