# tracer/_pairs.c: pending index rows in key order, in C (built by `make compiled`)
from array import array

def sorted_pairs(keys: array[int], rows: array[int], /) -> tuple[list[int], list[int]]: ...
