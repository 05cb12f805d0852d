"""Shared foundations that every other layer uses: value types for results (intervals,
probabilities, effect summaries), the parameter objects of the Beta and normal families,
the one user-error type, atomic file writing, project paths, the cache root and the code
fingerprint that keys every cache, YAML reading, provenance (file hashes, the one list of
package versions, git commit), progress messages and scoped process state.

May import: the standard library and third-party packages only (no other ``models`` layer).
"""
