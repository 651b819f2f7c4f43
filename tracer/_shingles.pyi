# tracer/_shingles.c: the word hashing of tracer.fingerprint in C (built by `make compiled`)
PARAMS: tuple[int, int, int, int, int, int, int]

def shingle_keys_text(
    text: str, ascii_fold: bytes, classes: bytes, /
) -> tuple[int, int, bytes, str, str]: ...
def strip_tags(text: str, /) -> str | None: ...
def item_keys(
    title: str | None, body: str | None, ascii_fold: bytes, safe: bytes, names: bytes, /
) -> tuple[int, int, bytes, str, str] | None: ...
