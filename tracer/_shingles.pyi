# tracer/_shingles.c: the word hashing of tracer.fingerprint in C (built by `make compiled`)
PARAMS: tuple[int, int, int, int, int, int, int]

def shingle_keys(folded: bytes, /) -> tuple[int, int, bytes, str, str]: ...
