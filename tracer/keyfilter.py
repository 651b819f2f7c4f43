"""Which text keys may be in the index: a bitmap over the keys' own hash bits. Pure: no I/O.

A cold poll looks up about ten index keys of every new post, and almost all
of them (98 % on 1,000 generated feeds) are on no stored post: each of those
lookups reads the index for nothing. A :class:`KeyFilter` answers "surely
not stored" for most of them from memory. It is a one-hash Bloom filter:
a key sets one bit, chosen by the key's bits 4 and up (a key is a CRC of
its shingle and a selector hash, so those bits are already uniform; the
index keys have their low four bits at zero, see
:data:`tracer.matching.INDEX_LEVEL`). A key whose bit is clear was never
added; a set bit may be another key's (a false positive costs one lookup,
never a missed match).

>>> known = KeyFilter(1 << 10)
>>> known.add([0x1230, 0x4560])
>>> known.maybe([0x1230, 0x4560, 0x7890])
[4656, 17760]
>>> known.keys
2
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["MAX_BITS", "MIN_BITS", "KeyFilter", "bits_for"]

MIN_BITS = 1 << 24  # 2 MiB: a cold poll's ~500,000 keys at a 3 % false-positive rate
MAX_BITS = 1 << 28  # 32 MiB: 10 M keys (1 M posts) at 4 %
BITS_PER_KEY = 16  # a filter is full (time to grow) past one key in 8 bits; sized at 16
_SKIPPED = 4  # low key bits not read (zero on every index key)


def bits_for(keys: int) -> int:
    """The filter size (bits, a power of two) for ``keys`` keys, from :data:`MIN_BITS` to
    :data:`MAX_BITS`.

    >>> bits_for(0) == MIN_BITS, bits_for(2_000_000) == 1 << 25, bits_for(10**9) == MAX_BITS
    (True, True, True)
    """
    bits = MIN_BITS
    while bits < keys * BITS_PER_KEY and bits < MAX_BITS:
        bits <<= 1
    return bits


class KeyFilter:
    """A set of keys that may answer yes for a key never added (see the module docstring)."""

    __slots__ = ("_bits", "_mask", "keys")

    def __init__(self, bits: int) -> None:
        if bits < 8 or bits & (bits - 1):
            raise ValueError(f"a filter's size is a power of two, at least 8 bits: {bits}")
        self._bits = bytearray(bits >> 3)
        self._mask = (bits >> 3) - 1  # byte index of a key: its bits 7 and up
        self.keys = 0  # keys added (a key added twice counts twice)

    @property
    def size(self) -> int:
        """Bits in the filter."""
        return len(self._bits) << 3

    @property
    def full(self) -> bool:
        """Whether enough keys were added that a bigger filter would answer better."""
        return self.keys * (BITS_PER_KEY // 2) > self.size and self.size < MAX_BITS

    def add(self, keys: Iterable[int]) -> None:
        bits, mask = self._bits, self._mask
        added = 0
        for key in keys:
            bits[key >> 7 & mask] |= 1 << (key >> _SKIPPED & 7)
            added += 1
        self.keys += added

    def maybe(self, keys: Iterable[int]) -> list[int]:
        """The keys that may have been added (in their order): every key added, and a few others."""
        bits, mask = self._bits, self._mask
        return [key for key in keys if bits[key >> 7 & mask] >> (key >> _SKIPPED & 7) & 1]
