"""Imported by dbg_instr.py after its breakpoints were set."""


def work(n):
    acc = 0
    for i in range(n):
        acc += i  # @mod_loop
    return acc
