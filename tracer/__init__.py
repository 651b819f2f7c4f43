"""tracer: where does news content really come from?"""

__version__ = "0.1.0"
