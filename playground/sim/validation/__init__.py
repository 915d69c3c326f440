"""API-server validation, one module per kind; capabilities.build() registers them as validators/allocators.

A validator is `fn(cluster, obj, old_or_None) -> [cause, ...]`, each cause worded as the API server
words it (`spec.replicas: Invalid value: -1: must be greater than or equal to 0`). Importing a module here
registers nothing: the list in capabilities.py says which function validates which kind.
"""
